using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Sqlite
{
    /// <summary>GuidanceScale becomes CfgScale, the name users see everywhere; renamed in place so existing rows keep their values.</summary>
    public partial class CfgScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(name: "GuidanceScale", table: "Jobs", newName: "CfgScale");
            migrationBuilder.RenameColumn(name: "GuidanceScale", table: "Images", newName: "CfgScale");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(name: "CfgScale", table: "Jobs", newName: "GuidanceScale");
            migrationBuilder.RenameColumn(name: "CfgScale", table: "Images", newName: "GuidanceScale");
        }
    }
}
