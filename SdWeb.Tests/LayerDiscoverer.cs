using Xunit.Abstractions;
using Xunit.Sdk;

namespace SdWeb.Tests;

/// <summary>Turns <see cref="LayerAttribute"/> into the trait <c>Layer=&lt;name&gt;</c> that <c>dotnet test --filter</c> sees.</summary>
public sealed class LayerDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute)
    {
        // The argument arrives as the enum value or, through some runners' metadata readers, as its underlying int.
        var argument = traitAttribute.GetConstructorArguments().Single();
        yield return new("Layer", ((Layer)Enum.ToObject(typeof(Layer), argument)).ToString());
    }
}
