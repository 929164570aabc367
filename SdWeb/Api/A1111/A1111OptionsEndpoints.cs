using System.Text.Json;
using SdWeb.Generation;

namespace SdWeb.Api.A1111;

/// <summary>
/// <c>GET/POST options</c>, per user and kept in the database: the known options (<see cref="A1111KnownOptions"/>) change
/// that user's calls, any other key is kept and read back. A refused POST stores none of its values.
/// </summary>
public static class A1111OptionsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/options", async (HttpContext http, A1111UserOptions options, IModelLibrary library, CancellationToken ct) =>
        {
            var all = A1111KnownOptions.Defaults(library.DefaultModel);
            foreach (var (key, value) in await options.OfAsync(JobAccess.Of(http.User).UserId, ct)) all[key] = value;
            return Results.Json(all);
        });
        api.MapPost("/options", async (HttpContext http, A1111UserOptions options, IModelLibrary library, VaeLibrary vaes, CancellationToken ct) =>
        {
            Dictionary<string, JsonElement>? values;
            try { values = await JsonSerializer.DeserializeAsync<Dictionary<string, JsonElement>>(http.Request.Body, A1111Json.Options, ct); }
            catch (JsonException) { values = null; }
            if (values is null) return Results.Problem("The body must be a JSON object of option names and values.", statusCode: 422);
            var errors = A1111KnownOptions.Check(values, library.Names(), vaes.All().Select(v => v.Name).ToList());
            if (errors.Count > 0) return A1111Problems.Fields(errors);
            await options.SetAsync(JobAccess.Of(http.User).UserId, values, ct);
            return Results.Json<object?>(null);
        });
    }
}
