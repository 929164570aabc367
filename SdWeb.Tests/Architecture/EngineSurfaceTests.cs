using System.Reflection;
using NetArchTest.Rules;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Tests.Architecture;

/// <summary>
/// The engine's boundary: its clients (the web app and the CLI, both in SdWeb) use only its public surface, never
/// TorchSharp, and the engine knows nothing of the web. The surface is listed here so that growing it is a decision.
/// </summary>
[Layer(Layer.Engine)]
public class EngineSurfaceTests
{
    private const int MaxPublicTypes = 49;

    private static readonly Assembly Engine = typeof(IImagePipeline).Assembly;
    private static readonly Assembly Web = typeof(Program).Assembly;

    /// <summary>The engine's public top-level types, as README's layout section describes them.</summary>
    private static readonly string[] Surface =
    [
        "SdWeb.Engine.Benchmarks.BenchMemory",
        "SdWeb.Engine.Benchmarks.BenchTiming",
        "SdWeb.Engine.Benchmarks.ModelBenchmark",
        "SdWeb.Engine.Benchmarks.PipelineBenchmark",
        "SdWeb.Engine.Devices.EngineOptions",
        "SdWeb.Engine.Imaging.A1111ParametersText",
        "SdWeb.Engine.Imaging.GenerationPngs",
        "SdWeb.Engine.Imaging.ImageParameters",
        "SdWeb.Engine.Imaging.InitImageReader",
        "SdWeb.Engine.Imaging.ParametersPng",
        "SdWeb.Engine.Loading.ComponentInspection",
        "SdWeb.Engine.Loading.Hub.DownloadProgress",
        "SdWeb.Engine.Loading.Hub.HubDownloader",
        "SdWeb.Engine.Loading.Hub.HubDownloadOptions",
        "SdWeb.Engine.Loading.ModelCatalog",
        "SdWeb.Engine.Loading.ModelEntry",
        "SdWeb.Engine.Loading.ModelFormat",
        "SdWeb.Engine.Loading.ModelInspection",
        "SdWeb.Engine.Loading.ModelLoadException",
        "SdWeb.Engine.Loading.RandomModels.RandomModelPreset",
        "SdWeb.Engine.Loading.RandomModels.RandomModelWriter",
        "SdWeb.Engine.Networks.NetworkActivation",
        "SdWeb.Engine.Networks.NetworkFile",
        "SdWeb.Engine.Networks.NetworkHash",
        "SdWeb.Engine.Networks.NetworkLibrary",
        "SdWeb.Engine.Pipelines.GeneratedImage",
        "SdWeb.Engine.Pipelines.GenerationFailedException",
        "SdWeb.Engine.Pipelines.GenerationParameters",
        "SdWeb.Engine.Pipelines.GenerationRequest",
        "SdWeb.Engine.Pipelines.GenerationResult",
        "SdWeb.Engine.Pipelines.KernelChoice",
        "SdWeb.Engine.Pipelines.Hires.HiresFix",
        "SdWeb.Engine.Pipelines.Hires.HiresUpscaler",
        "SdWeb.Engine.Pipelines.IImagePipeline",
        "SdWeb.Engine.Pipelines.IPipelineFactory",
        "SdWeb.Engine.Pipelines.ModelDescriptor",
        "SdWeb.Engine.Pipelines.PipelineFactory",
        "SdWeb.Engine.Pipelines.PreviewImage",
        "SdWeb.Engine.Pipelines.PromptSyntax",
        "SdWeb.Engine.Pipelines.SamplerNames",
        "SdWeb.Engine.Pipelines.Seeds",
        "SdWeb.Engine.Pipelines.StepProgress",
        "SdWeb.Engine.Pipelines.Validation.GenerationLimits",
        "SdWeb.Engine.Pipelines.Validation.GenerationRequestValidator",
        "SdWeb.Engine.Pipelines.Validation.ValidationError",
        "SdWeb.Engine.Prompts.PromptAnalyzer",
        "SdWeb.Engine.Prompts.PromptTokens",
        "SdWeb.Engine.Training.DemoModelTraining",
        "SdWeb.Engine.Training.DemoTrainingPlan",
    ];

    [Fact]
    public void TheEnginesPublicTypesAreTheDocumentedSurface()
    {
        var exported = Engine.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.FullName!).ToHashSet();
        var added = exported.Except(Surface).Order().ToList();
        var removed = Surface.Except(exported).Order().ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"The engine's public surface changed. Made public: [{string.Join(", ", added)}]; no longer public: [{string.Join(", ", removed)}]. " +
            "Make new types internal, or add them to the surface here and in README's layout section.");
        Assert.True(exported.Count <= MaxPublicTypes, $"The engine exposes {exported.Count} public types; at most {MaxPublicTypes}.");
    }

    [Fact]
    public void SdWebUsesOnlyTheEnginesPublicTypes()
    {
        // The compiler enforces this as long as the engine grants SdWeb no InternalsVisibleTo; this keeps it so.
        var internalTypes = Engine.GetTypes().Where(t => !t.IsNested && !t.IsPublic && t.Namespace?.StartsWith("SdWeb.Engine") == true)
            .Select(t => t.FullName!).ToArray();
        var result = Types.InAssembly(Web).ShouldNot().HaveDependencyOnAny(internalTypes).GetResult();
        if (!result.IsSuccessful)
            Assert.Fail(OffendersMessage(result, "use internal engine types",
                internalTypes.Where(t => !Types.InAssembly(Web).ShouldNot().HaveDependencyOn(t).GetResult().IsSuccessful)));
    }

    [Fact]
    public void SdWebDoesNotUseTorchSharp()
    {
        var result = Types.InAssembly(Web).ShouldNot().HaveDependencyOn("TorchSharp").GetResult();
        Assert.True(result.IsSuccessful, OffendersMessage(result, "use TorchSharp (go through an engine API instead)", []));
    }

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("MudBlazor")]
    [InlineData("Microsoft.Extensions.Hosting")]
    public void TheEngineKnowsNothingOfTheWeb(string web)
    {
        var result = Types.InAssembly(Engine).ShouldNot().HaveDependencyOn(web).GetResult();
        Assert.True(result.IsSuccessful, OffendersMessage(result, $"depend on {web}", []));
    }

    private static string OffendersMessage(TestResult result, string what, IEnumerable<string> used)
    {
        var offenders = string.Join(", ", result.FailingTypeNames ?? []);
        var usedList = used.ToList();
        return $"These types {what}: {offenders}" + (usedList.Count > 0 ? $" (they use: {string.Join(", ", usedList)})" : "");
    }
}
