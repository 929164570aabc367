using System.Collections.Concurrent;
using System.Text.Json;

namespace SdWeb.Api.A1111;

/// <summary>
/// What each user wrote with <c>POST /sdapi/v1/options</c>, read back by <c>GET options</c>; sd_model_checkpoint is the
/// model that user's A1111 calls use by default. Held in memory: a restart returns everyone to the defaults.
/// </summary>
public sealed class A1111UserOptions
{
    public const string ModelKey = "sd_model_checkpoint";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonElement>> _byUser = new();

    public IReadOnlyDictionary<string, JsonElement> Of(string userId) =>
        _byUser.TryGetValue(userId, out var options) ? new Dictionary<string, JsonElement>(options) : new Dictionary<string, JsonElement>();

    public void Set(string userId, IReadOnlyDictionary<string, JsonElement> values)
    {
        var options = _byUser.GetOrAdd(userId, _ => new ConcurrentDictionary<string, JsonElement>());
        foreach (var (key, value) in values) options[key] = value.Clone();
    }

    public string? Model(string userId) =>
        Of(userId).GetValueOrDefault(ModelKey) is { ValueKind: JsonValueKind.String } model ? A1111Translation.ModelName(model.GetString()) : null;
}
