namespace SdWeb.Engine.Loading.Hub;

/// <summary>Where and how <see cref="HubDownloader"/> fetches a model.</summary>
public sealed record HubDownloadOptions
{
    public string BaseUrl { get; init; } = "https://huggingface.co";
    public string Revision { get; init; } = "main";
    /// <summary>A Hugging Face access token for gated or private repositories (the CLI passes HF_TOKEN).</summary>
    public string? Token { get; init; }
    /// <summary>Fetch the *.fp16.safetensors weights where the repository has them (half the download; for fp16 runs).</summary>
    public bool PreferFp16 { get; init; }
}

/// <summary>How far a download is: the file in progress (index of count) and its bytes (total unknown until the server says).</summary>
public sealed record DownloadProgress(string File, int FileIndex, int FileCount, long BytesDone, long? BytesTotal);
