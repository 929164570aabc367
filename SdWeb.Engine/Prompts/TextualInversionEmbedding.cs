using TorchSharp;

namespace SdWeb.Engine.Prompts;

/// <summary>A textual-inversion embedding: the trigger word (the file name) and its vectors [n, hidden] (float32, CPU).</summary>
internal sealed record TextualInversionEmbedding(string Name, torch.Tensor Vectors, string Hash);
