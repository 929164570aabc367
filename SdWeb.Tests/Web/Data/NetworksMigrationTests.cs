using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Data;

/// <summary>A database made before prompt syntax, clip skip and networks were stored keeps its rows, which read as plain prompts without networks.</summary>
[Layer(Layer.Web)]
public sealed class NetworksMigrationTests : IDisposable
{
    private const string PreviousMigration = "20261130114500_CfgScale";
    private readonly TempDir _dir = new();
    private readonly Guid _jobId = Guid.NewGuid();
    private readonly Guid _imageId = Guid.NewGuid();

    private string ConnectionString => $"Data Source={_dir["sdweb.db"]}";

    private AppDbContext Context() => new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite(ConnectionString).Options);

    [Fact]
    public async Task ExistingRowsBecomePlainWithClipSkipOneAndNoNetworks()
    {
        await using (var db = Context())
            await db.GetService<IMigrator>().MigrateAsync(PreviousMigration);
        await InsertOldRowsAsync();

        await using (var db = Context())
            await db.Database.MigrateAsync();

        await using var read = Context();
        var job = await read.Jobs.SingleAsync(j => j.Id == _jobId);
        Assert.Equal((PromptSyntax.Plain, 1, 6.5), (job.PromptSyntax, job.ClipSkip, job.CfgScale));
        Assert.Empty(job.Loras);
        Assert.Empty(job.Embeddings);
        var image = await read.Images.SingleAsync(i => i.Id == _imageId);
        Assert.Equal((PromptSyntax.Plain, 1, "a red fox"), (image.PromptSyntax, image.ClipSkip, image.Prompt));
        Assert.Empty(image.Loras);
        Assert.Empty(image.Embeddings);
        Assert.False(read.Database.HasPendingModelChanges());

        image.Loras = [new LoraUse("tiny-detail", 0.8, "0123456789ab")];
        image.Embeddings = [new EmbeddingUse("tiny-style", "ba9876543210")];
        await read.SaveChangesAsync();
        await using var reread = Context();
        var stored = await reread.Images.SingleAsync();
        Assert.Equal([new LoraUse("tiny-detail", 0.8, "0123456789ab")], stored.Loras);
        Assert.Equal([new EmbeddingUse("tiny-style", "ba9876543210")], stored.Embeddings);
        Assert.Equal([_imageId.ToString().ToUpperInvariant()], await SearchAsync("fox"));
    }

    /// <summary>Rows as the previous schema stored them, written with plain SQL (today's model adds columns).</summary>
    private async Task InsertOldRowsAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Users are Identity's; the rows here need none to test the upgrade.
        command.CommandText = """
            PRAGMA foreign_keys = OFF;
            INSERT INTO Jobs (Id, Sequence, UserId, Status, Prompt, NegativePrompt, Sampler, Steps, CfgScale, Width, Height,
                              ImageCount, ModelName, QueuedAt, Attempts)
            VALUES ($job, 1, 'alice', 'Succeeded', 'a red fox', '', 'euler_a', 20, 6.5, 512, 512, 1, 'm', '2026-11-26 10:00:00', 1);
            INSERT INTO Images (Id, JobId, UserId, Prompt, NegativePrompt, Seed, Steps, CfgScale, Sampler, Width, Height, ModelName,
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
