using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Generation.Plots;
using SdWeb.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Generation;

/// <summary>
/// Accepts a job: checks it with the engine's own rules, stores it, and only then queues it — so a job the user was
/// told about survives a restart. LoRA tags and embedding trigger words are resolved against the models folder here and
/// stored with their hashes, and prompt styles are applied. Each user's valid submissions are rate-limited. The Generate page and the API both submit through here.
/// </summary>
public sealed class JobSubmitter(
    IDbContextFactory<AppDbContext> dbFactory, IModelLibrary library, IJobDispatch dispatch, GenerationLimits limits,
    SubmissionRateLimiter rateLimiter, JobNetworks networks, PromptStyleLibrary styles, VaeLibrary vaes)
{
    public async Task<SubmitResult> SubmitAsync(JobRequest request, string userId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        var model = string.IsNullOrWhiteSpace(request.Model) ? library.DefaultModel : request.Model;
        var models = library.Names();
        if (!models.Contains(model))
            Fail(nameof(JobRequest.Model), $"Unknown model '{model}'. Available: {string.Join(", ", models)}.");
        if (request.Vae is { } vae && !vaes.All().Any(v => v.Name == vae))
            Fail(nameof(JobRequest.Vae), $"Unknown VAE '{vae}'. Available: {string.Join(", ", vaes.All().Select(v => v.Name).DefaultIfEmpty("none"))}; leave it empty for the model's own.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        Size? sourceSize = null;
        if (request.SourceImageId is { } sourceId)
        {
            var source = await db.Images.Where(i => i.Id == sourceId).Select(i => new { i.Width, i.Height }).FirstOrDefaultAsync(cancellationToken);
            if (source is null)
                Fail(nameof(JobRequest.SourceImageId), $"Source image {sourceId} does not exist (it may have been deleted); pick another one.");
            else
                sourceSize = new Size(source.Width, source.Height);
        }
        using var mask = DecodeMask(request.Mask, Fail);

        // The job stores the prompts as they run, styles applied, so Reproduce needs no style (nor its current text).
        var (prompt, negativePrompt, unknownStyles) = await styles.ApplyAsync(request.Prompt, request.NegativePrompt, request.Styles, cancellationToken);
        foreach (var name in unknownStyles)
            Fail(nameof(JobRequest.Styles), $"Unknown style '{name}'; the Styles page lists the team's styles.");
        if (request.Kernels is { } kernels && KernelChoice.Parse(kernels) is null)
            Fail(nameof(JobRequest.Kernels), $"Unknown kernels '{kernels}'; use one of {string.Join(", ", KernelChoice.All.Select(k => k.Name))}, or leave it out for the worker's settings.");
        var job = JobRequests.ToJob(request with { Prompt = prompt, NegativePrompt = negativePrompt }, userId, model);
        if (request.ReproducesImageId is { } originalId)
        {
            var original = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == originalId, cancellationToken);
            if (original is not null)
            {
                foreach (var change in networks.Changes(original.Loras, original.Embeddings))
                    Fail(nameof(JobRequest.Prompt), $"{change} The image cannot be made again as it was.");
            }
        }
        // A plot's cells are checked one by one below; the job itself makes one image per cell.
        var cells = new List<(string Label, GenerationJob Job)>();
        if (request.Plot is { } plot)
        {
            var (layout, plotErrors) = XyzPlotLayout.Read(plot, limits.MaxImagesPerJob);
            foreach (var error in plotErrors) Fail(nameof(JobRequest.Plot), error);
            if (layout is not null)
            {
                foreach (var problem in XyzPlotCells.Problems(job, layout)) Fail(nameof(JobRequest.Plot), problem);
                job.ImageCount = layout.CellCount;
                cells.AddRange(XyzPlotCells.All(job, layout).Select((cell, i) => (layout.Label(i), cell)));
            }
        }
        // Plain prompts (reproducing images made before A1111 syntax) read tags as text and use no networks.
        if (job.PromptSyntax == PromptSyntax.A1111 && !errors.ContainsKey(nameof(JobRequest.Prompt)))
        {
            try
            {
                (job.Loras, job.Embeddings) = networks.Resolve(job.Prompt, job.NegativePrompt);
                // Prompt S/R may name other LoRAs and embeddings: the job keeps every one its cells use, with its hash.
                foreach (var (_, cell) in cells)
                {
                    var (loras, embeddings) = networks.Resolve(cell.Prompt, cell.NegativePrompt);
                    job.Loras.AddRange(loras.Where(l => job.Loras.All(j => j.Name != l.Name)));
                    job.Embeddings.AddRange(embeddings.Where(e => job.Embeddings.All(j => j.Name != e.Name)));
                }
            }
            catch (ModelLoadException e)
            {
                Fail(nameof(JobRequest.Prompt), e.Message);
            }
        }
        // The only check of the job's settings: the worker runs what was accepted here.
        // The worker loads the real source image; the rules only need to know there is one, and its size for the mask.
        var engineRequest = JobRequests.ToGenerationRequest(job, job.Seed, job.ImageCount, initImage: null, mask);
        var engineErrors = sourceSize is { } size
            ? GenerationRequestValidator.Validate(engineRequest, limits, size)
            : GenerationRequestValidator.Validate(engineRequest, limits, hasInitImage: job.SourceImageId is not null);
        foreach (var error in engineErrors)
            Fail(JobRequests.FieldOf(error.Field), error.Message);
        var jobMessages = errors.Values.SelectMany(m => m).ToHashSet();
        foreach (var (label, cell) in cells)
        {
            var cellRequest = JobRequests.ToGenerationRequest(cell, cell.Seed, 1, initImage: null, mask);
            var cellErrors = sourceSize is { } cellSourceSize
                ? GenerationRequestValidator.Validate(cellRequest, limits, cellSourceSize)
                : GenerationRequestValidator.Validate(cellRequest, limits, hasInitImage: cell.SourceImageId is not null);
            foreach (var error in cellErrors)
                if (!jobMessages.Contains(error.Message)) Fail(nameof(JobRequest.Plot), $"Cell {label}: {error.Message}");
        }

        if (errors.Count > 0) return new SubmitResult(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        // Only valid jobs spend the budget: a refused one costs the server nothing.
        if (!rateLimiter.TryAcquire(userId, out var retryAfter)) return SubmitResult.RateLimited(retryAfter);

        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        dispatch.Accepted(new QueuedJob(job.Id, job.UserId, job.Sequence));
        return SubmitResult.Queued(job.Id);
    }

    private Image<L8>? DecodeMask(byte[]? bytes, Action<string, string> fail)
    {
        if (bytes is null) return null;
        try
        {
            return MaskImage.Decode(bytes, limits);
        }
        catch (InvalidUploadException e)
        {
            fail(nameof(JobRequest.Mask), e.Message);
            return null;
        }
    }
}
