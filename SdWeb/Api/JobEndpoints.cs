using SdWeb.Generation;
using SdWeb.Generation.Plots;
using SdWeb.Storage;

namespace SdWeb.Api;

/// <summary>Jobs for scripts and non-Blazor clients: submit, read, cancel. Everything requires login (fallback policy).</summary>
public static class JobEndpoints
{
    public static IEndpointRouteBuilder MapSdWebJobApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").RequireAuthorization();

        jobs.MapPost("/", async (JobRequest request, HttpContext http, JobSubmitter submitter, CancellationToken ct) =>
        {
            var result = await submitter.SubmitAsync(request, JobAccess.Of(http.User).UserId, ct);
            if (result.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(string.Join(" ", result.Errors.SelectMany(e => e.Value)), statusCode: StatusCodes.Status429TooManyRequests);
            }
            return result.JobId is { } id
                ? Results.Accepted($"/api/jobs/{id}", new { id })
                : Results.ValidationProblem(result.Errors, title: "The job was not accepted.");
        });

        jobs.MapGet("/{id:guid}", async (Guid id, HttpContext http, JobReader reader, CancellationToken ct) =>
        {
            var (view, forbidden) = await reader.ReadAsync(id, JobAccess.Of(http.User), ct);
            if (forbidden) return Results.Problem("This job belongs to someone else.", statusCode: StatusCodes.Status403Forbidden);
            return view is null ? Results.Problem($"No job {id}.", statusCode: StatusCodes.Status404NotFound) : Results.Ok(view);
        });

        // An X/Y/Z plot's labelled grid, like a gallery image open to every signed-in user.
        jobs.MapGet("/{id:guid}/grid", async (Guid id, XyzPlotReader plots, ImagePaths paths, CancellationToken ct) =>
            await plots.GridPathAsync(id, ct) is { } path && File.Exists(paths.Full(path))
                ? Results.File(paths.Full(path), "image/png")
                : Results.Problem($"Job {id} has no plot grid (it is not an X/Y/Z plot, or not finished).", statusCode: StatusCodes.Status404NotFound));

        jobs.MapPost("/{id:guid}/cancel", async (Guid id, HttpContext http, JobCanceller canceller, CancellationToken ct) =>
        {
            var access = JobAccess.Of(http.User);
            return await canceller.CancelAsync(id, access.UserId, access.IsAdmin, ct) switch
            {
                CancelOutcome.Cancelled => Results.Ok(new { status = "Cancelled" }),
                CancelOutcome.Stopping => Results.Accepted($"/api/jobs/{id}", new { status = "Stopping" }),
                CancelOutcome.Forbidden => Results.Problem("Only the job's owner or an admin can cancel it.", statusCode: StatusCodes.Status403Forbidden),
                CancelOutcome.AlreadyFinished => Results.Problem("The job has already finished.", statusCode: StatusCodes.Status409Conflict),
                _ => Results.Problem($"No job {id}.", statusCode: StatusCodes.Status404NotFound),
            };
        });
        return app;
    }
}
