namespace SdWeb.Engine.Pipelines;

/// <summary>Recognises libtorch's allocation failures, which TorchSharp surfaces as plain exceptions with libtorch's text.</summary>
internal static class OutOfMemory
{
    public static bool IsOutOfMemory(Exception e) =>
        e is OutOfMemoryException
        || e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("not enough memory", StringComparison.OrdinalIgnoreCase);

    public static GenerationFailedException Explain(Exception e, string device) => new(
        $"Out of memory on {device} while generating. Make the image smaller, generate fewer images at once, " +
        "or use a lower precision (fp16 on a GPU, bf16 on a CPU).", e);
}
