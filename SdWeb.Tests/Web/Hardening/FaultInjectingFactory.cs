using System.Runtime.InteropServices;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// Wraps the real engine and injects a fault when a prompt asks for one: "[crash]" throws from the engine call,
/// "[oom]" makes libtorch's allocation failure surface from inside the sampling loop (the engine explains it).
/// </summary>
public sealed class FaultInjectingFactory(IPipelineFactory real) : IPipelineFactory
{
    public const string Crash = "[crash]";
    public const string OutOfMemory = "[oom]";
    public const string CrashMessage = "CUDA error: an illegal memory access was encountered";

    public IImagePipeline Load(string modelPath, string? vaePath = null) => new Pipeline(real.Load(modelPath, vaePath));

    private sealed class Pipeline(IImagePipeline inner) : IImagePipeline
    {
        public ModelDescriptor Model => inner.Model;

        public int CountTokens(string prompt) => inner.CountTokens(prompt);

        public GenerationResult Generate(GenerationRequest request, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
        {
            var prompt = request.Prompts[0];
            if (prompt.Contains(Crash, StringComparison.Ordinal)) throw new ExternalException(CrashMessage);
            if (prompt.Contains(OutOfMemory, StringComparison.Ordinal))
                progress = new Progress(_ => throw new ExternalException(
                    "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: you tried to allocate 4294967296 bytes."));
            return inner.Generate(request, progress, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>Reports synchronously, on the engine's thread, so a throwing report surfaces inside the engine.</summary>
    private sealed class Progress(Action<StepProgress> report) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => report(value);
    }
}
