using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InpaintHiresVariation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Hires",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "InpaintOnlyMasked",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "InpaintPadding",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "InvertMask",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<byte[]>(
                name: "Mask",
                table: "Jobs",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaskBlur",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "MaskOverlay",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "Subseed",
                table: "Jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SubseedStrength",
                table: "Jobs",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<string>(
                name: "Hires",
                table: "Images",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "InpaintOnlyMasked",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "InpaintPadding",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "InvertMask",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<byte[]>(
                name: "Mask",
                table: "Images",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaskBlur",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "MaskOverlay",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "Subseed",
                table: "Images",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SubseedStrength",
                table: "Images",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Hires",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "InpaintOnlyMasked",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "InpaintPadding",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "InvertMask",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Mask",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "MaskBlur",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "MaskOverlay",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Subseed",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "SubseedStrength",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Hires",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "InpaintOnlyMasked",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "InpaintPadding",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "InvertMask",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Mask",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "MaskBlur",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "MaskOverlay",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "Subseed",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "SubseedStrength",
                table: "Images");
        }
    }
}
