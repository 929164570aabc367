using System.Text.Json;

namespace SdWeb.Api.A1111;

/// <summary>AUTOMATIC1111's API speaks snake_case JSON; SdWeb's own API keeps ASP.NET's camelCase.</summary>
public static class A1111Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };
}
