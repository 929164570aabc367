using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;

namespace SdWeb.Tests.Web.Support;

/// <summary>Keeps what the worker would save, as records (no files).</summary>
public sealed class RecordingImageSaver : IImageSaver
{
    public List<ImageRecord> Saved { get; } = [];

    public Task<IReadOnlyList<ImageRecord>> SaveAsync(GenerationJob job, GenerationResult result, CancellationToken cancellationToken)
    {
        var records = result.Images.Select(i => new ImageRecord
        {
            JobId = job.Id, UserId = job.UserId, Prompt = i.Prompt, Sampler = result.Parameters.Sampler,
            Seed = result.Parameters.Seed, ModelName = result.Parameters.ModelName, FilePath = "x.png", ThumbPath = "x.jpg",
        }).ToList();
        Saved.AddRange(records);
        return Task.FromResult<IReadOnlyList<ImageRecord>>(records);
    }
}
