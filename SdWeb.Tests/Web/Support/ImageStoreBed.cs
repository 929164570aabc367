using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Options;
using SdWeb.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Support;

/// <summary>A real database (SQLite unless asked for PostgreSQL) and data folder with an <see cref="ImageStore"/> on them, and helpers to store images as the worker does.</summary>
public sealed class ImageStoreBed : IDisposable
{
    private ImageStoreBed(TestDatabase database)
    {
        Database = database;
        Paths = new ImagePaths(new SdWebOptions { DataDir = database.Dir.Path });
        Store = new ImageStore(database, Paths, new ImageFileWriter(), Clock, NullLogger<ImageStore>.Instance);
    }

    public TestDatabase Database { get; }
    public ImagePaths Paths { get; }
    public SettableClock Clock { get; } = new(new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero));
    public ImageStore Store { get; }

    public static async Task<ImageStoreBed> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite) =>
        new(await TestDatabase.CreateAsync(provider, "alice", "bob"));

    /// <summary>Stores a job for <paramref name="user"/> and one image made by it, with a pixel pattern that depends on the seed.</summary>
    public async Task<ImageRecord> AddImageAsync(
        string prompt, long seed, string user = "alice", string negative = "", string model = "model-a", string sampler = "euler_a",
        Guid? reproduces = null)
    {
        var job = await AddJobAsync(prompt, seed, user, negative, model, sampler, reproduces);
        var records = Store.Save(job, Result(job, Pattern(seed)));
        return Assert.Single(records);
    }

    public async Task<GenerationJob> AddJobAsync(
        string prompt, long seed, string user = "alice", string negative = "", string model = "model-a", string sampler = "euler_a",
        Guid? reproduces = null)
    {
        var job = new GenerationJob
        {
            UserId = user, Prompt = prompt, NegativePrompt = negative, Sampler = sampler, Steps = 20, CfgScale = 7.5,
            Seed = seed, Width = 64, Height = 48, ModelName = model, ReproducesImageId = reproduces, Status = JobStatus.Running,
        };
        await using var db = Database.CreateDbContext();
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job;
    }

    public static GenerationResult Result(GenerationJob job, params Image<Rgb24>[] images) => new(
        images.Select((image, i) => new GeneratedImage(image, job.Prompt, job.NegativePrompt, i)).ToList(),
        new GenerationParameters("model-a-engine-name", "abc1234567", job.Sampler, job.Steps, job.CfgScale, job.Seed ?? 0,
            images[0].Width, images[0].Height, images.Length, job.Strength, "fp32", "cpu", "test")
        { Kernels = FakePipeline.OwnKernels },
        TimeSpan.FromSeconds(3));

    /// <summary>A 64×48 image whose pixels are a function of <paramref name="seed"/>.</summary>
    public static Image<Rgb24> Pattern(long seed)
    {
        var image = new Image<Rgb24>(64, 48);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                image[x, y] = new Rgb24((byte)(x * 4 + seed), (byte)(y * 5), (byte)((x ^ y) + seed * 7));
        return image;
    }

    public async Task<List<ImageRecord>> RowsAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.Images.AsNoTracking().ToListAsync();
    }

    public void Dispose() => Database.Dispose();
}
