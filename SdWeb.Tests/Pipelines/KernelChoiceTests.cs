using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Pipelines;

/// <summary>The stored names of the kernels an image was made with: every choice reads back as itself, nothing else reads.</summary>
[Layer(Layer.Engine)]
public sealed class KernelChoiceTests
{
    [Theory]
    [InlineData(false, false, "libtorch", "libtorch's kernels")]
    [InlineData(true, false, "winograd", "Winograd convolutions")]
    [InlineData(false, true, "bf16-attention", "SdWeb's bf16 attention")]
    [InlineData(true, true, "winograd+bf16-attention", "Winograd convolutions, SdWeb's bf16 attention")]
    public void EachChoiceHasANameThatReadsBack(bool winograd, bool bf16Attention, string name, string description)
    {
        var choice = new KernelChoice(winograd, bf16Attention);
        Assert.Equal((name, description), (choice.Name, choice.Description));
        Assert.Equal(choice, KernelChoice.Parse(name));
        Assert.Contains(choice, KernelChoice.All);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Winograd")]
    [InlineData("bf16-attention+winograd")]
    [InlineData("winograd+winograd")]
    [InlineData("fft")]
    public void AnythingElseIsUnknown(string? name) => Assert.Null(KernelChoice.Parse(name));
}
