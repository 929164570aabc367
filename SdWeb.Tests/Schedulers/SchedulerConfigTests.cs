using System.Text.Json;
using SdWeb.Engine.Schedulers;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Schedulers;

[Layer(Layer.Engine)]
public class SchedulerConfigTests
{
    [Fact]
    public void ReadsTheTinySdSchedulerConfig()
    {
        var c = SchedulerConfig.FromJson(Golden.PathOf("tiny-sd", "scheduler", "scheduler_config.json"));
        Assert.Equal(1000, c.NumTrainTimesteps);
        Assert.Equal(0.00085, c.BetaStart);
        Assert.Equal(0.012, c.BetaEnd);
        Assert.Equal("scaled_linear", c.BetaSchedule);
        Assert.Null(c.TrainedBetas);
        Assert.Equal("epsilon", c.PredictionType);
        Assert.Equal("leading", c.TimestepSpacing);
        Assert.Equal(1, c.StepsOffset);
        Assert.False(c.SetAlphaToOne);
        Assert.True(c.SkipPrkSteps);
        Assert.False(c.ClipSample);
    }

    [Theory]
    [MemberData(nameof(SchedulerGolden.Keys), MemberType = typeof(SchedulerGolden))]
    public void MissingFieldsTakeEachClassesDefaultsLikeFromConfig(string key)
    {
        var golden = SchedulerGolden.Entry(key).GetProperty("config");
        var config = SchedulerGolden.Create(key).Config;
        Assert.Equal(golden.GetProperty("timestep_spacing").GetString(), config.TimestepSpacing);
        Assert.Equal(golden.GetProperty("steps_offset").GetInt32(), config.StepsOffset);
        Assert.Equal(golden.GetProperty("set_alpha_to_one").GetBoolean(), config.SetAlphaToOne);
        Assert.Equal(golden.GetProperty("clip_sample").GetBoolean(), config.ClipSample);
        if (golden.TryGetProperty("use_karras_sigmas", out var karras))
            Assert.Equal(karras.GetBoolean(), config.UseKarrasSigmas);
        if (golden.TryGetProperty("clip_sample_range", out var range))
            Assert.Equal(range.GetDouble(), config.ClipSampleRange);
    }

    [Fact]
    public void AnEmptyConfigGivesDdimItsOwnDefaults()
    {
        var ddim = SchedulerFactory.Create("ddim", new SchedulerConfig()).Config;
        Assert.Equal("leading", ddim.TimestepSpacing);
        Assert.Equal(0, ddim.StepsOffset);
        Assert.True(ddim.SetAlphaToOne);
        Assert.True(ddim.ClipSample);
        Assert.Equal("linspace", SchedulerFactory.Create("euler", new SchedulerConfig()).Config.TimestepSpacing);
    }

    [Fact]
    public void IgnoresUnknownKeysNullsAndPythonInfinities()
    {
        using var doc = SchedulerConfig.ParsePythonJson(
            """{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "variance_type": null, "solver_order": 2, "timestep_spacing": "trailing", "trained_betas": null}""");
        var c = SchedulerConfig.FromJson(doc.RootElement);
        Assert.Equal("trailing", c.TimestepSpacing);
        Assert.Null(c.TrainedBetas);
        Assert.Equal(new SchedulerConfig() with { TimestepSpacing = "trailing" }, c);
    }

    [Fact]
    public void AFieldOfTheWrongTypeIsNamed()
    {
        using var doc = JsonDocument.Parse("""{"steps_offset": "one"}""");
        var e = Assert.Throws<FormatException>(() => SchedulerConfig.FromJson(doc.RootElement));
        Assert.Contains("'steps_offset'", e.Message);
        Assert.Contains("\"one\"", e.Message);
    }

    [Fact]
    public void AStringFieldGivenANumberIsNamed()
    {
        using var doc = JsonDocument.Parse("""{"beta_schedule": 3}""");
        var e = Assert.Throws<FormatException>(() => SchedulerConfig.FromJson(doc.RootElement));
        Assert.Contains("'beta_schedule' must be a string", e.Message);
    }

    [Fact]
    public void ANonObjectIsRejected()
    {
        using var doc = JsonDocument.Parse("[1, 2]");
        var e = Assert.Throws<FormatException>(() => SchedulerConfig.FromJson(doc.RootElement));
        Assert.Contains("must be a JSON object, got Array", e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir", "scheduler_config.json");
        var e = Assert.Throws<FileNotFoundException>(() => SchedulerConfig.FromJson(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void BrokenJsonNamesTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\"beta_start\": ");
            var e = Assert.Throws<FormatException>(() => SchedulerConfig.FromJson(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("not a valid diffusers scheduler_config.json", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
