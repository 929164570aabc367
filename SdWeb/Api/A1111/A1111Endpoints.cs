using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Storage;

namespace SdWeb.Api.A1111;

/// <summary>
/// AUTOMATIC1111's <c>/sdapi/v1</c>, so its clients, bots and scripts work unchanged. Every job goes through
/// <see cref="JobSubmitter"/> like the Generate page's. Field by field rules: docs/a1111-api.md.
/// </summary>
public static class A1111Endpoints
{
    public static IServiceCollection AddSdWebA1111Api(this IServiceCollection services)
    {
        services.AddSingleton<A1111JobRunner>();
        services.AddSingleton<A1111UserOptions>();
        return services;
    }

    public static IEndpointRouteBuilder MapSdWebA1111Api(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/sdapi/v1").RequireAuthorization();
        api.MapPost("/txt2img", (HttpContext http, CancellationToken ct) => GenerateAsync(http, img2img: false, ct));
        api.MapPost("/img2img", (HttpContext http, CancellationToken ct) => GenerateAsync(http, img2img: true, ct));
        api.MapGet("/progress", ProgressAsync);
        api.MapPost("/interrupt", InterruptAsync);

        api.MapPost("/skip", SkipAsync);
        api.MapPost("/png-info", (A1111PngInfo.Request? request) => A1111PngInfo.Answer(request));
        A1111Lists.Map(api);
        A1111OptionsEndpoints.Map(api);
        return app;
    }

    private static async Task<IResult> GenerateAsync(HttpContext http, bool img2img, CancellationToken ct)
    {
        var services = http.RequestServices;
        var access = JobAccess.Of(http.User);
        JsonNode? body;
        A1111Payload? payload;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct);
            payload = body?.Deserialize<A1111Payload>(A1111Json.Options);
        }
        catch (JsonException e) { return Results.Problem($"The body is not a valid request: {e.Message}", statusCode: 422); }
        if (payload is null) return Results.Problem("The body must be a JSON object.", statusCode: 422);

        var userOptions = await services.GetRequiredService<A1111UserOptions>().OfAsync(access.UserId, ct);
        var translation = A1111Translation.Of(payload, userOptions);
        if (translation.Errors.Count > 0) return A1111Problems.Fields(new Dictionary<string, string[]>(translation.Errors));
        var request = translation.Request;
        ImageRecord? upload = null;
        if (img2img)
        {
            if (payload.InitImages is not [var first, ..]) return A1111Problems.Field("init_images", "img2img needs one base64 image in init_images.");
            var (image, error) = await DecodeAsync(first, services, ct);
            if (image is null) return A1111Problems.Field("init_images", error!);
            using (image) upload = await services.GetRequiredService<ImageStore>().ImportAsync(image, access.UserId, ct);
            request = request with { SourceImageId = upload.Id };
        }
        else request = request with { Strength = new JobRequest().Strength };

        var submitted = await services.GetRequiredService<JobSubmitter>().SubmitAsync(request, access.UserId, ct);
        if (submitted.JobId is not { } jobId)
        {
            // A refused job leaves nothing behind, not even its source image.
            if (upload is not null) await services.GetRequiredService<ImageStore>().DeleteAsync(upload.Id, access.UserId, isAdmin: false, CancellationToken.None);
            if (submitted.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(string.Join(" ", submitted.Errors.SelectMany(e => e.Value)), statusCode: StatusCodes.Status429TooManyRequests);
            }
            return A1111Problems.Fields(submitted.Errors.ToDictionary(e => A1111Translation.FieldOf(e.Key), e => e.Value));
        }

        var runner = services.GetRequiredService<A1111JobRunner>();
        var job = await runner.WaitAsync(jobId, ct);
        if (job.Status != JobStatus.Succeeded)
            return Results.Problem($"The job {job.Status.ToString().ToLowerInvariant()}: {job.Error}", statusCode: StatusCodes.Status500InternalServerError);

        var images = new List<string>();
        var infotexts = new List<string>();
        foreach (var record in job.Images)
        {
            var (png, infotext) = await runner.ReadAsync(record, ct);
            if (payload.SendImages) images.Add(Convert.ToBase64String(A1111SamplesFormat.Encode(png, translation.SamplesFormat)));
            infotexts.Add(infotext);
        }
        var info = A1111Info.Of(job, payload, infotexts, translation.Warnings);
        return Results.Json(new { images, parameters = body, info = JsonSerializer.Serialize(info) });
    }

    /// <summary>The caller's running job (admins: any running job) as AUTOMATIC1111's progress.</summary>
    private static async Task<IResult> ProgressAsync(HttpContext http, JobReader reader, bool skip_current_image = false, CancellationToken ct = default)
    {
        var access = JobAccess.Of(http.User);
        var unfinished = await reader.UnfinishedAsync(access.UserId, ct);
        var running = unfinished.Select(u => u.Update).LastOrDefault(u => u.Status == JobStatus.Running) ?? unfinished.Select(u => u.Update).LastOrDefault();
        var progress = running?.Progress;
        return Results.Json(new
        {
            progress = progress?.Fraction ?? 0,
            eta_relative = progress?.Eta.TotalSeconds ?? 0,
            state = new
            {
                skipped = false,
                interrupted = false,
                job = running is null ? "" : running.JobId.ToString(),
                job_count = unfinished.Count,
                job_no = progress?.Image - 1 ?? 0,
                sampling_step = progress?.Step ?? 0,
                sampling_steps = progress?.TotalSteps ?? 0,
            },
            current_image = skip_current_image || progress?.Preview is null ? null : Convert.ToBase64String(progress.Preview.Jpeg),
            textinfo = running is null ? null : running.Status.ToString(),
        });
    }

    /// <summary>Stops the caller's running jobs; an admin's call stops every running job. Others' jobs are never touched for a member.</summary>
    private static async Task<IResult> InterruptAsync(
        HttpContext http, IDbContextFactory<AppDbContext> dbFactory, JobCanceller canceller, CancellationToken ct)
    {
        var access = JobAccess.Of(http.User);
        foreach (var id in await RunningJobsAsync(access, dbFactory, ct)) await canceller.CancelAsync(id, access.UserId, access.IsAdmin, ct);
        return Results.Json(new { });
    }

    /// <summary>
    /// AUTOMATIC1111's skip: the image being made is dropped and the job goes on with its next image (the job ends with
    /// fewer images). Acts on the caller's running job; an admin's call on every running job.
    /// </summary>
    private static async Task<IResult> SkipAsync(
        HttpContext http, IDbContextFactory<AppDbContext> dbFactory, JobCancellations cancellations, CancellationToken ct)
    {
        foreach (var id in await RunningJobsAsync(JobAccess.Of(http.User), dbFactory, ct)) cancellations.SkipImage(id);
        return Results.Json(new { });
    }

    private static async Task<List<Guid>> RunningJobsAsync(JobAccess access, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Jobs.Where(j => j.Status == JobStatus.Running && (access.IsAdmin || j.UserId == access.UserId)).Select(j => j.Id).ToListAsync(ct);
    }

    /// <summary>A base64 image (a data: URL prefix is allowed), checked like an upload before it is decoded.</summary>
    private static async Task<(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>? Image, string? Error)> DecodeAsync(
        string base64, IServiceProvider services, CancellationToken ct)
    {
        if (A1111Base64.Decode(base64) is not { } bytes) return (null, "init_images[0] is not base64; send the image file's bytes base64-encoded.");
        try
        {
            using var stream = new MemoryStream(bytes);
            var image = await UploadedImage.ReadAsync(
                stream, "init_images[0]", services.GetRequiredService<SdWebOptions>(), services.GetRequiredService<GenerationLimits>(), ct);
            return (image, null);
        }
        catch (InvalidUploadException e) { return (null, e.Message); }
    }
}
