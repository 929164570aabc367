using System.Text.RegularExpressions;
using SdWeb.Tests.Support;

namespace SdWeb.Tests;

/// <summary>
/// No test seeds libtorch's global generator: tests run in parallel and every module constructor draws from it, so a
/// seed there does not fix a test's values (<see cref="SeededRandom"/>). CI once failed a bf16 fidelity bound that way,
/// on weights no local run had drawn.
/// </summary>
[Layer(Layer.Engine)]
public sealed partial class SeededRandomnessTests
{
    [Fact]
    public void NoTestSeedsLibtorchsGlobalGenerator()
    {
        var root = Path.Combine(Golden.RepoRoot, "SdWeb.Tests");
        var seeding = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(l => GlobalSeed().IsMatch(l.line) && !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(l => $"{Path.GetRelativePath(root, l.path)}:{l.index + 1}: {l.line.Trim()}");

        Assert.Empty(seeding);
    }

    [GeneratedRegex(@"\bmanual_seed\s*\(")]
    private static partial Regex GlobalSeed();
}
