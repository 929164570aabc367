using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Generation;
using SdWeb.Generation.Plots;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public sealed class JobRequestsTests
{
    /// <summary>
    /// Retry submits a failed job again from what it stored: every setting a request can carry comes back, so the retry
    /// is that job and not a plainer one (a mask, hires fix, variation seed, tiling or plot lost would change the images).
    /// </summary>
    [Fact]
    public void RetryGivesBackEverySettingTheJobStored()
    {
        var request = new JobRequest
        {
            Prompt = "a red fox <lora:tiny-detail:0.8>",
            NegativePrompt = "blurry",
            Sampler = "dpmpp_2m_karras",
            Steps = 12,
            CfgScale = 5.5,
            Seed = 42,
            Width = 256,
            Height = 192,
            ImageCount = 2,
            ClipSkip = 2,
            Tiling = true,
            PromptSyntax = PromptSyntax.A1111,
            Model = "tiny-sd",
            SourceImageId = Guid.NewGuid(),
            Strength = 0.6,
            Mask = [1, 2, 3],
            MaskBlur = 8,
            InvertMask = true,
            InpaintOnlyMasked = true,
            InpaintPadding = 16,
            MaskOverlay = false,
            Hires = new HiresFix { Upscaler = HiresUpscaler.Lanczos, Scale = 1.5, Steps = 7, Denoise = 0.4 },
            Subseed = 7,
            SubseedStrength = 0.3,
            Kernels = "libtorch",
            Plot = new XyzPlot { X = new XyzAxis(XyzAxisKind.Seed, "1-3") },
        };

        var retry = JobRequests.FromJob(JobRequests.ToJob(request, "alice", "tiny-sd"));

        // Styles were applied to the stored prompts at submit, so a retry names none; lists compare by content below.
        IReadOnlyList<string> noStyles = [];
        Assert.Empty(retry.Styles);
        Assert.Equal(request with { Mask = null, Plot = null, Styles = noStyles }, retry with { Mask = null, Plot = null, Styles = noStyles });
        Assert.Equal(request.Mask, retry.Mask);
        Assert.Equal(request.Plot, retry.Plot);
    }
}
