using Xunit.Sdk;

namespace SdWeb.Tests;

/// <summary>
/// The layer a test class exercises; becomes the trait <c>Layer</c>, so <c>dotnet test --filter Layer=Engine</c> runs one
/// layer. Every test class carries one (<see cref="TestLayerTests"/> checks).
/// </summary>
public enum Layer
{
    /// <summary>The engine and the CLI over it: tokenizer, models, schedulers, loading, pipelines, imaging. No web, no browser.</summary>
    Engine,
    /// <summary>The web app in process: bUnit components, services on a real SQLite database, HTTP through the test server.</summary>
    Web,
    /// <summary>The real app in its own process, driven through headless Chromium (Playwright).</summary>
    Browser,
    /// <summary>Crashes, load, injected faults and bad input against the running app.</summary>
    Hardening,
}

/// <summary>Puts a test class in a <see cref="Layer"/>: <c>[Layer(Layer.Engine)]</c>.</summary>
[TraitDiscoverer("SdWeb.Tests.LayerDiscoverer", "SdWeb.Tests")]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class LayerAttribute(Layer layer) : Attribute, ITraitAttribute
{
    public Layer Layer { get; } = layer;
}
