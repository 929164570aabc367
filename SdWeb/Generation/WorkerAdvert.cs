namespace SdWeb.Generation;

/// <summary>What a worker tells the others about itself when it starts and with every heartbeat.</summary>
public sealed record WorkerAdvert(string WorkerId, string Host, string Device, IReadOnlyList<string> Models, long? FreeMemoryBytes);
