using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class XyzPlot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Plot",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PlotGridPath",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PlotCell",
                table: "Images",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Plot",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "PlotGridPath",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "PlotCell",
                table: "Images");
        }
    }
}
