using NetArchTest.Rules;

namespace SdWeb.Tests.Architecture;

/// <summary>
/// SdWeb's feature namespaces form a graph without cycles, so each feature can be read (and moved) knowing only the
/// features below it. The graph is computed from the compiled assembly: an edge A → B exists when a type in A uses a type in B.
/// </summary>
[Layer(Layer.Engine)]
public class WebLayerTests
{
    private static readonly string[] Features =
        ["Generation", "Storage", "Data", "Api", "Hubs", "Gallery", "Auth", "Components", "Cli", "Options", "ModelFiles"];

    [Fact]
    public void FeatureNamespacesHaveNoDependencyCycle()
    {
        var graph = DependencyGraph();

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, cycle is null ? "" : Describe(cycle, graph));
    }

    /// <summary>For each feature, the features it uses and the types that use them.</summary>
    private static Dictionary<string, Dictionary<string, IReadOnlyList<string>>> DependencyGraph()
    {
        var assembly = typeof(Program).Assembly;
        var graph = Features.ToDictionary(f => f, _ => new Dictionary<string, IReadOnlyList<string>>());
        foreach (var from in Features)
            foreach (var to in Features.Where(to => to != from))
            {
                var result = Types.InAssembly(assembly).That().ResideInNamespace(Namespace(from))
                    .ShouldNot().HaveDependencyOn(Namespace(to)).GetResult();
                if (!result.IsSuccessful) graph[from][to] = result.FailingTypeNames.ToList();
            }
        return graph;
    }

    /// <summary>A path that returns to its start (first and last element equal), or null when the graph has none.</summary>
    private static List<string>? FindCycle(Dictionary<string, Dictionary<string, IReadOnlyList<string>>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();

        List<string>? Visit(string feature)
        {
            var onPath = path.IndexOf(feature);
            if (onPath >= 0) return [.. path[onPath..], feature];
            if (!done.Add(feature)) return null;
            path.Add(feature);
            foreach (var next in graph[feature].Keys.Order())
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            return null;
        }

        return Features.Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static string Describe(List<string> cycle, Dictionary<string, Dictionary<string, IReadOnlyList<string>>> graph)
    {
        var hops = cycle.Zip(cycle.Skip(1), (from, to) =>
            $"  {Namespace(from)} → {Namespace(to)} (used by {string.Join(", ", graph[from][to].Take(3))})");
        return $"Namespace cycle: {string.Join(" → ", cycle.Select(Namespace))}\n{string.Join("\n", hops)}";
    }

    private static string Namespace(string feature) => $"SdWeb.{feature}";
}
