using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Postgres
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
                type: "text",
                nullable: false,
                defaultValue: "");

            // The full-text index reads the new column too (see PostgresImageSearch); older rows get their words at start-up (ImageSearchText.BackfillAsync).
            migrationBuilder.Sql(SdWeb.Data.PostgresImageSearch.WithSettingsSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SdWeb.Data.PostgresImageSearch.WithoutSettingsSql);

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "Images");
        }
    }
}
