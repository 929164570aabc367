using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SdWeb.Data;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Data;

/// <summary>A database made before the CfgScale rename keeps its jobs, images and search index when it is upgraded.</summary>
[Layer(Layer.Web)]
public sealed class CfgScaleMigrationTests : IDisposable
{
    private const string PreviousMigration = "20261126094626_FullTextSearch";
    private readonly TempDir _dir = new();
    private readonly Guid _jobId = Guid.NewGuid();
    private readonly Guid _imageId = Guid.NewGuid();

    private string ConnectionString => $"Data Source={_dir["sdweb.db"]}";

    private AppDbContext Context() => new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite(ConnectionString).Options);

    [Fact]
    public async Task ExistingRowsKeepTheirCfgScaleAndStaySearchable()
    {
        await using (var db = Context())
            await db.GetService<IMigrator>().MigrateAsync(PreviousMigration);
        await InsertOldRowsAsync();

        await using (var db = Context())
            await db.Database.MigrateAsync();

        await using var read = Context();
        Assert.Equal(6.5, (await read.Jobs.SingleAsync(j => j.Id == _jobId)).CfgScale);
        Assert.Equal(4.25, (await read.Images.SingleAsync(i => i.Id == _imageId)).CfgScale);
        Assert.False(read.Database.HasPendingModelChanges());

        var image = await read.Images.SingleAsync();
        image.Prompt = "a grey wolf";
        await read.SaveChangesAsync();
        Assert.Equal([_imageId.ToString().ToUpperInvariant()], await SearchAsync("wolf"));
        Assert.Empty(await SearchAsync("fox"));
    }

    /// <summary>Rows as the previous schema stored them, written with plain SQL (today's model has no GuidanceScale).</summary>
    private async Task InsertOldRowsAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Users are Identity's; the rows here need none to test the rename.
        command.CommandText = """
            PRAGMA foreign_keys = OFF;
            INSERT INTO Jobs (Id, Sequence, UserId, Status, Prompt, NegativePrompt, Sampler, Steps, GuidanceScale, Width, Height,
                              ImageCount, ModelName, QueuedAt, Attempts)
            VALUES ($job, 1, 'alice', 'Succeeded', 'a red fox', '', 'euler_a', 20, 6.5, 512, 512, 1, 'm', '2026-11-26 10:00:00', 1);
            INSERT INTO Images (Id, JobId, UserId, Prompt, NegativePrompt, Seed, Steps, GuidanceScale, Sampler, Width, Height, ModelName,
                                ModelHash, DType, Device, DurationSeconds, CreatedAt, Favourite, PixelHash, FilePath, ThumbPath)
            VALUES ($image, $job, 'alice', 'a red fox', '', 5, 20, 4.25, 'euler_a', 512, 512, 'm', '', '', '', 1, '2026-11-26 10:00:00', 0, '',
                    'images/a.png', 'images/a.webp');
            """;
        command.Parameters.AddWithValue("$job", _jobId.ToString().ToUpperInvariant());
        command.Parameters.AddWithValue("$image", _imageId.ToString().ToUpperInvariant());
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> SearchAsync(string word)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT ImageId FROM {ImageSearch.Table} WHERE {ImageSearch.Table} MATCH $word";
        command.Parameters.AddWithValue("$word", word);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
