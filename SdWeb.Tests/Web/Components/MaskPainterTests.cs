using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using SdWeb.Components.Generate;
using SdWeb.Generation;
using SdWeb.Options;

namespace SdWeb.Tests.Web.Components;

/// <summary>The painter's logic around its canvas script (the script's pixels are checked by the browser test).</summary>
[Layer(Layer.Web)]
public sealed class MaskPainterTests : MudComponentTest
{
    private static readonly Guid SourceId = Guid.Parse("0194a3f0-0000-7000-8000-000000000001");
    private readonly BunitJSModuleInterop _canvas;

    public MaskPainterTests()
    {
        Services.AddSingleton(new SdWebOptions());
        _canvas = JSInterop.SetupModule("./js/maskPainter.js");
    }

    private IRenderedComponent<InpaintPanel> RenderPanel(InpaintFormModel model) => Render<InpaintPanel>(p => p
        .Add(c => c.SourceImageId, SourceId)
        .Add(c => c.Model, model)
        .Add(c => c.Enabled, true));

    [Fact]
    public void ThePainterAttachesToTheSourceImageAndTheToolsReachTheCanvas()
    {
        var panel = RenderPanel(new InpaintFormModel());

        Assert.Equal($"api/images/{SourceId}", panel.Find(".mask-source").GetAttribute("src"));
        _canvas.VerifyInvoke("attach");
        Assert.Equal(new object?[] { MaskPainter.DefaultBrushSize, false }, BrushSettings());

        panel.Find("#mask-eraser").Click();
        Assert.Equal(new object?[] { MaskPainter.DefaultBrushSize, true }, BrushSettings());
        panel.Find("#mask-brush").Click();
        Assert.Equal(new object?[] { MaskPainter.DefaultBrushSize, false }, BrushSettings());

        panel.Find("#mask-invert").Click();
        _canvas.VerifyInvoke("invert");
    }

    [Fact]
    public void UndoAndClearWaitForPaintAndThenCallTheCanvas()
    {
        var panel = RenderPanel(new InpaintFormModel());
        Assert.True(panel.Find("#mask-undo").HasAttribute("disabled"));
        Assert.True(panel.Find("#mask-clear").HasAttribute("disabled"));

        var painter = panel.FindComponent<MaskPainter>();
        painter.InvokeAsync(() => painter.Instance.OnMaskChanged(painted: true, undoDepth: 1));

        panel.WaitForAssertion(() => Assert.False(panel.Find("#mask-undo").HasAttribute("disabled")));
        Assert.Contains("Painted areas are repainted", panel.Find("#mask-status").TextContent);
        // The buttons' handlers call the canvas asynchronously.
        panel.Find("#mask-undo").Click();
        panel.WaitForAssertion(() => _canvas.VerifyInvoke("undo"));
        panel.Find("#mask-clear").Click();
        panel.WaitForAssertion(() => _canvas.VerifyInvoke("clear"));
    }

    [Fact]
    public async Task NothingPaintedLeavesARequestWithoutAMask()
    {
        var panel = RenderPanel(new InpaintFormModel());
        var request = new JobRequest { Prompt = "a boat", SourceImageId = SourceId };

        var applied = await panel.InvokeAsync(() => panel.Instance.ApplyToAsync(request, CancellationToken.None));

        Assert.Same(request, applied);
        Assert.Empty(_canvas.Invocations["exportMask"]);
    }

    [Fact]
    public async Task APaintedMaskGoesIntoTheRequestAsTheCanvasExportedItWithTheInpaintOptions()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];
        _canvas.Setup<IJSStreamReference>("exportMask", _ => true).SetResult(new BytesStreamReference(png));
        var panel = RenderPanel(new InpaintFormModel { MaskBlur = 6, OnlyMasked = true, Padding = 48, Overlay = true });
        var painter = panel.FindComponent<MaskPainter>();
        await painter.InvokeAsync(() => painter.Instance.OnMaskChanged(painted: true, undoDepth: 1));

        var applied = await panel.InvokeAsync(() => panel.Instance.ApplyToAsync(new JobRequest { SourceImageId = SourceId }, CancellationToken.None));

        Assert.Equal(png, applied.Mask);
        Assert.Equal((6, true, 48, true), (applied.MaskBlur, applied.InpaintOnlyMasked, applied.InpaintPadding, applied.MaskOverlay));
    }

    [Fact]
    public async Task InpaintingSwitchedOffSendsNoMaskEvenWhenSomethingWasPainted()
    {
        var panel = RenderPanel(new InpaintFormModel());
        var painter = panel.FindComponent<MaskPainter>();
        await painter.InvokeAsync(() => painter.Instance.OnMaskChanged(painted: true, undoDepth: 1));
        panel.Render(p => p.Add(c => c.Enabled, false));

        var applied = await panel.InvokeAsync(() => panel.Instance.ApplyToAsync(new JobRequest { SourceImageId = SourceId }, CancellationToken.None));

        Assert.Null(applied.Mask);
        Assert.Empty(panel.FindAll("#mask-painter"));
    }

    /// <summary>The arguments after the canvas of the latest <c>setBrush</c> call: size, erase.</summary>
    private object?[] BrushSettings() => _canvas.Invocations["setBrush"][^1].Arguments.Skip(1).ToArray();

    /// <summary>What the browser hands .NET for a returned Uint8Array.</summary>
    private sealed class BytesStreamReference(byte[] bytes) : IJSStreamReference
    {
        public long Length => bytes.Length;

        public ValueTask<Stream> OpenReadStreamAsync(long maxAllowedSize = 512000, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<Stream>(new MemoryStream(bytes));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
