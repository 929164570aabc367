using SdWeb.Data;
using SdWeb.Generation;

namespace SdWeb.Components.Generate;

/// <summary>What the page shows of one job: the latest update, and the last preview (updates may come without one).</summary>
public sealed class JobCardModel(Guid jobId, string prompt)
{
    private readonly HashSet<Guid> _deleted = [];

    public Guid JobId { get; } = jobId;
    public string Prompt { get; } = prompt;
    public JobUpdate? Latest { get; private set; }
    public string? PreviewUrl { get; private set; }

    /// <summary>Counts preview changes (tests and the e2e test read it from the page).</summary>
    public int PreviewVersion { get; private set; }

    /// <summary>An X/Y/Z plot: progress counts cells, and the finished card shows the labelled grid.</summary>
    public bool IsPlot { get; init; }

    public JobStatus Status => Latest?.Status ?? JobStatus.Queued;

    public bool CanCancel => Status is JobStatus.Queued or JobStatus.Running;

    /// <summary>The job's images, less those deleted from the card.</summary>
    public IReadOnlyList<Guid> ImageIds => Latest?.ImageIds is { } ids ? ids.Where(id => !_deleted.Contains(id)).ToList() : [];

    public void Apply(JobUpdate update)
    {
        Latest = update;
        if (update.Progress?.Preview is { } preview)
        {
            PreviewUrl = preview.DataUrl;
            PreviewVersion++;
        }
    }

    public void RemoveImage(Guid imageId) => _deleted.Add(imageId);
}
