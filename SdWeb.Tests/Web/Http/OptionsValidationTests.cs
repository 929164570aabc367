using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SdWeb.Options;

namespace SdWeb.Tests.Web.Http;

[Layer(Layer.Web)]
public class OptionsValidationTests
{
    private static async Task<OptionsValidationException> StartWith(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddSdWebOptions(builder.Configuration);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task APreviewRateOfZeroStopsTheStartWithTheKeyNamed()
    {
        var error = await StartWith("--SdWeb:PreviewsPerSecond=0");

        Assert.Equal("SdWeb:PreviewsPerSecond must be greater than 0, not 0.", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task EveryBadSettingIsReportedAtOnce()
    {
        var error = await StartWith("--SdWeb:SubmissionBurst=0", "--SdWeb:SubmissionsPerMinute=-1", "--SdWeb:Threads=-2");

        Assert.Equal(
            ["SdWeb:Threads must be at least 0, not -2.", "SdWeb:SubmissionBurst must be at least 1, not 0.", "SdWeb:SubmissionsPerMinute must be greater than 0, not -1."],
            error.Failures);
    }

    [Fact]
    public async Task UnknownAttentionOrConvolutionKernelsStopTheStart()
    {
        var error = await StartWith("--SdWeb:Attention=flash", "--SdWeb:Convolutions=fft");

        Assert.Equal(
            ["SdWeb:Attention must be auto, sdweb or libtorch, not 'flash'.", "SdWeb:Convolutions must be auto, sdweb or libtorch, not 'fft'."],
            error.Failures);
    }

    [Fact]
    public async Task PostgresWithoutAConnectionStringStopsTheStartSayingWhichKeyIsMissing()
    {
        var error = await StartWith("--SdWeb:Database=postgres");

        Assert.Equal("SdWeb:PostgresConnection is required when SdWeb:Database is postgres.", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task TheDefaultsStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSdWebOptions(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();
    }
}
