using System.Text.Json;
using SdWeb.Data;
using SdWeb.Generation;

namespace SdWeb.Scaling;

/// <summary>A <see cref="JobUpdate"/> as it travels through Redis: flat, with the preview as JPEG bytes, and the sending node.</summary>
public sealed record ProgressMessage(
    string Node,
    Guid JobId,
    string UserId,
    JobStatus Status,
    int? QueuePosition,
    int? Image,
    int? ImageCount,
    int? Step,
    int? TotalSteps,
    double? EtaSeconds,
    byte[]? PreviewJpeg,
    string? Error,
    IReadOnlyList<Guid>? ImageIds)
{
    public static ProgressMessage From(string node, JobUpdate update)
    {
        var p = update.Progress;
        return new ProgressMessage(node, update.JobId, update.UserId, update.Status, update.QueuePosition,
            p?.Image, p?.ImageCount, p?.Step, p?.TotalSteps, p?.Eta.TotalSeconds, p?.Preview?.Jpeg, update.Error, update.ImageIds);
    }

    public JobUpdate ToUpdate()
    {
        var progress = Image is { } image && ImageCount is { } count && Step is { } step && TotalSteps is { } total
            ? new JobProgress(image, count, step, total, TimeSpan.FromSeconds(EtaSeconds ?? 0),
                PreviewJpeg is { } jpeg ? EncodedPreview.FromJpeg(jpeg) : null)
            : null;
        return new JobUpdate(JobId, UserId, Status, QueuePosition, progress, Error, ImageIds) { FromAnotherNode = true };
    }

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static ProgressMessage? FromUtf8(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<ProgressMessage>(json);
}
