using System.Reflection;

namespace SdWeb.Tests;

// In the Engine layer because that is the quick run everyone makes; it only reads this assembly's metadata.
[Layer(Layer.Engine)]
public sealed class TestLayerTests
{
    [Fact]
    public void EveryTestClassNamesItsLayer()
    {
        var unlabelled = typeof(TestLayerTests).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(IsTest))
            .Where(t => t.GetCustomAttribute<LayerAttribute>(inherit: true) is null)
            .Select(t => t.FullName)
            .Order();

        Assert.Empty(unlabelled);
    }

    private static bool IsTest(MethodInfo method) => method.GetCustomAttribute<FactAttribute>(inherit: true) is not null;
}
