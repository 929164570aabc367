using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Engine.Loading;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class PipelineHostTests
{
    private readonly FakePipelineFactory _factory = new();

    private PipelineHost Host() => new(_factory, new FakeModelLibrary("model-a", "model-b"), new VaeLibrary(new SdWebOptions()), NullLogger<PipelineHost>.Instance);

    [Fact]
    public void TheModelStaysLoadedAndSwitchingFreesThePreviousOne()
    {
        var host = Host();
        var a = host.Get("model-a");
        Assert.Same(a, host.Get("model-a"));

        var b = host.Get("model-b");

        Assert.NotSame(a, b);
        Assert.True(((FakePipeline)a).Disposed);
        Assert.Equal("model-b", host.LoadedModel);
    }

    [Fact]
    public void AFailedLoadKeepsThePreviousModelInService()
    {
        var host = Host();
        var a = host.Get("model-a");
        _factory.Broken.Add("/models/model-b");

        var error = Assert.Throws<ModelLoadException>(() => host.Get("model-b"));

        Assert.Equal("/models/model-b: unet/diffusion_pytorch_model.safetensors is truncated.", error.Message);
        Assert.False(((FakePipeline)a).Disposed);
        Assert.Equal("model-a", host.LoadedModel);
        Assert.Same(a, host.Get("model-a"));
    }

    [Fact]
    public void ReleaseFreesTheModelOnceHoweverOftenItIsCalled()
    {
        var host = Host();
        var a = (FakePipeline)host.Get("model-a");

        host.Release();
        host.Release();

        Assert.Equal(1, a.DisposeCount);
        Assert.Null(host.LoadedModel);
    }
}
