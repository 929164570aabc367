using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Scalar.AspNetCore;

namespace SdWeb.Api;

/// <summary>
/// The OpenAPI description of SdWeb's own API (<c>/api</c>) and AUTOMATIC1111's (<c>/sdapi/v1</c>) at
/// <c>/api/openapi/v1.json</c>, and Scalar's reference UI over it at <c>/api/docs</c>; both for signed-in users and
/// API key holders only, like the APIs they describe.
/// </summary>
public static class ApiDocs
{
    public const string DocumentRoute = "/api/openapi/{documentName}.json";
    public const string UiRoute = "/api/docs";

    public static IServiceCollection AddSdWebApiDocs(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options.ShouldInclude = IsApi);

    public static IEndpointRouteBuilder MapSdWebApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentRoute).RequireAuthorization();
        app.MapScalarApiReference(UiRoute, options => options.WithTitle("SdWeb API").WithOpenApiRoutePattern(DocumentRoute)).RequireAuthorization();
        return app;
    }

    /// <summary>Only the HTTP APIs; pages, the account form posts and the hub stay out.</summary>
    private static bool IsApi(ApiDescription endpoint) =>
        endpoint.RelativePath is { } path && (path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("sdapi/", StringComparison.Ordinal));
}
