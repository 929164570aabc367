using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "Images",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // The full-text index reads the new column too (see ImageSearch); older rows get their words at start-up (ImageSearchText.BackfillAsync).
            migrationBuilder.Sql(SdWeb.Data.ImageSearch.WithSettingsSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SdWeb.Data.ImageSearch.WithoutSettingsSql);

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "Images");
        }
    }
}
