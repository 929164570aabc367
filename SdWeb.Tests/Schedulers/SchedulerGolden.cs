using System.Text.Json;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Schedulers;
using SdWeb.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Tests.Schedulers;

/// <summary>
/// The scheduler goldens (cases/schedulers.json + .safetensors): nine diffusers setups keyed by class name
/// ("DPMSolverMultistepScheduler_karras" adds use_karras_sigmas), each made with Class.from_config(base_config).
/// </summary>
public static class SchedulerGolden
{
    /// <summary>Golden key → our factory name.</summary>
    public static readonly IReadOnlyDictionary<string, string> FactoryNames = new Dictionary<string, string>
    {
        ["LMSDiscreteScheduler"] = "lms",
        ["EulerDiscreteScheduler"] = "euler",
        ["EulerAncestralDiscreteScheduler"] = "euler_a",
        ["HeunDiscreteScheduler"] = "heun",
        ["DDIMScheduler"] = "ddim",
        ["PNDMScheduler"] = "pndm",
        ["DPMSolverMultistepScheduler"] = "dpmpp_2m",
        ["DPMSolverMultistepScheduler_karras"] = "dpmpp_2m_karras",
        ["UniPCMultistepScheduler"] = "unipc",
    };

    public static TheoryData<string> Keys => [.. FactoryNames.Keys];

    private static readonly Lazy<JsonDocument> Json =
        new(() => SchedulerConfig.ParsePythonJson(File.ReadAllText(Golden.PathOf("cases", "schedulers.json"))));

    public static JsonElement Root => Json.Value.RootElement;

    /// <summary>The SD v1 scheduler config every golden scheduler was built from.</summary>
    internal static SchedulerConfig BaseConfig => SchedulerConfig.FromJson(Root.GetProperty("base_config"));

    public static JsonElement Entry(string key) => Root.GetProperty("schedulers").GetProperty(key);

    internal static IScheduler Create(string key) => SchedulerFactory.Create(FactoryNames[key], BaseConfig);

    internal static SafeTensorsFile OpenTensors() => Golden.OpenCase("cases", "schedulers.safetensors");

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    public static float[] Values(Tensor t)
    {
        using var f = t.to(ScalarType.Float32, CPU).contiguous();
        return f.flatten().data<float>().ToArray();
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max();
        return d.item<double>();
    }

    public static double MaxAbs(Tensor a)
    {
        using var m = a.to(ScalarType.Float64).abs().max();
        return m.item<double>();
    }
}
