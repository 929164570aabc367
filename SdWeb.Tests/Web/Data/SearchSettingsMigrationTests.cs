using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SdWeb.Data;
using SdWeb.Gallery;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Data;

/// <summary>
/// Images stored before the settings were indexed are found by them after the upgrade: the app's start-up gives them
/// their search words, and the rebuilt index still finds their prompts.
/// </summary>
[Layer(Layer.Web)]
public sealed class SearchSettingsMigrationTests : IDisposable
{
    private const string PreviousMigration = "20261130144242_PromptStylesAndTiling";
    private readonly TempDir _dir = new();
    private readonly Guid _imageId = Guid.NewGuid();

    private string ConnectionString => $"Data Source={_dir["sdweb.db"]}";

    private AppDbContext Context() => new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite(ConnectionString).Options);

    [Fact]
    public async Task AnOlderHiresImageIsFoundByItsUpscalerAfterStartUp()
    {
        await using (var db = Context())
            await db.GetService<IMigrator>().MigrateAsync(PreviousMigration);
        await InsertOldImageAsync();

        await using (var db = Context())
            await DatabaseInitializer.MigrateAsync(db);

        var search = new GallerySearch(new ContextFactory(this));
        Assert.Equal([_imageId], (await search.SearchAsync(new GalleryQuery { Text = "hires Lanczos" }, 0, 10)).Items.Select(i => i.Id));
        Assert.Equal([_imageId], (await search.SearchAsync(new GalleryQuery { Text = "red fox" }, 0, 10)).Items.Select(i => i.Id));
        await using var read = Context();
        Assert.False(read.Database.HasPendingModelChanges());
    }

    /// <summary>A hires-fix image as the previous schema stored it, written with plain SQL (today's model adds a column).</summary>
    private async Task InsertOldImageAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA foreign_keys = OFF;
            INSERT INTO AspNetUsers (Id, AccessFailedCount, EmailConfirmed, LockoutEnabled, PhoneNumberConfirmed, TwoFactorEnabled, UserName,
                                     IsAdmin, CreatedAt)
            VALUES ('alice', 0, 0, 0, 0, 0, 'alice', 0, '2026-11-26 09:00:00');
            INSERT INTO Images (Id, UserId, Prompt, NegativePrompt, Seed, Steps, CfgScale, Sampler, Width, Height, ModelName,
                                ModelHash, DType, Device, DurationSeconds, CreatedAt, Favourite, PixelHash, FilePath, ThumbPath,
                                PromptSyntax, ClipSkip, Tiling, Loras, Embeddings, MaskBlur, InvertMask, InpaintOnlyMasked,
                                InpaintPadding, MaskOverlay, SubseedStrength, Hires)
            VALUES ($image, 'alice', 'a red fox', '', 5, 20, 7, 'euler_a', 512, 512, 'm', '', '', '', 1, '2026-11-26 10:00:00', 0, '',
                    'images/a.png', 'images/a.webp', 'A1111', 1, 0, '[]', '[]', 4, 0, 0, 32, 1, 0,
                    '{"Upscaler":"Lanczos","Scale":2,"Steps":0,"Denoise":0.7,"TargetWidth":null,"TargetHeight":null}');
            """;
        command.Parameters.AddWithValue("$image", _imageId.ToString().ToUpperInvariant());
        await command.ExecuteNonQueryAsync();
    }

    private sealed class ContextFactory(SearchSettingsMigrationTests test) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => test.Context();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
