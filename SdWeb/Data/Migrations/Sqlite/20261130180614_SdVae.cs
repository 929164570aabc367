using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SdVae : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Vae",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Vae",
                table: "Images",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Vae",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Vae",
                table: "Images");
        }
    }
}
