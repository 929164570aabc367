using System.Runtime.InteropServices;
using SdWeb.Engine.Pipelines;
using SdWeb.Storage;

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

/// <summary>A disk that fills up half-way through the next image file written while <see cref="Full"/> is set.</summary>
public sealed class FillingDisk : ImageFileWriter
{
    public const string Message = "No space left on device";

    public volatile bool Full;

    public override Stream Create(string path) => Full ? new FullStream(base.Create(path)) : base.Create(path);

    /// <summary>Accepts a few hundred bytes, then fails as a full disk does.</summary>
    private sealed class FullStream(Stream file) : Stream
    {
        private long _room = 300;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length > _room)
            {
                file.Write(buffer[..(int)_room]);
                _room = 0;
                throw new IOException(Message);
            }
            file.Write(buffer);
            _room -= buffer.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => file.Length;
        public override long Position { get => file.Position; set => throw new NotSupportedException(); }
        public override void Flush() => file.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) file.Dispose();
            base.Dispose(disposing);
        }
    }
}
