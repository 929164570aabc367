using Microsoft.AspNetCore.DataProtection;
using SdWeb.Options;
using StackExchange.Redis;

namespace SdWeb.Scaling;

public static class ScalingServiceCollectionExtensions
{
    /// <summary>Redis's key for the cookie keys all nodes share.</summary>
    public const string DataProtectionKey = "sdweb:data-protection-keys";

    /// <summary>
    /// With <c>SdWeb:Redis</c> set: job progress relayed between nodes, the SignalR backplane, and the data-protection
    /// keys in Redis under one application name, so a cookie made by one node is read by every node. Without it, nothing
    /// (one node). Call after AddSdWebAuth and AddSdWebHubs, whose defaults this replaces.
    /// </summary>
    public static IServiceCollection AddSdWebRedis(this IServiceCollection services, IConfiguration configuration)
    {
        if (RedisConnection(configuration) is not { } connection) return services;

        var redis = AddProgressRelay(services, connection);
        services.AddSignalR().AddStackExchangeRedis(o =>
        {
            o.Configuration = RedisOptions(connection);
            o.Configuration.ChannelPrefix = RedisChannel.Literal("sdweb:signalr");
        });
        services.AddDataProtection()
            .SetApplicationName("SdWeb")
            .PersistKeysToStackExchangeRedis(() => redis.Value.GetDatabase(), DataProtectionKey);
        return services;
    }

    /// <summary>Only the progress relay (what a `SdWeb worker` process needs): this process's job updates reach every web node.</summary>
    public static IServiceCollection AddSdWebRedisProgress(this IServiceCollection services, IConfiguration configuration)
    {
        if (RedisConnection(configuration) is { } connection) AddProgressRelay(services, connection);
        return services;
    }

    private static Lazy<IConnectionMultiplexer> AddProgressRelay(IServiceCollection services, string connection)
    {
        // One connection for the relay and the key ring, made when first used (the key ring may ask before the container is built).
        var redis = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(RedisOptions(connection)));
        services.AddSingleton(_ => redis.Value);
        services.AddHostedService<RedisProgressRelay>();
        return redis;
    }

    private static string? RedisConnection(IConfiguration configuration) =>
        configuration[$"{SdWebOptions.Section}:{nameof(SdWebOptions.Redis)}"] is { Length: > 0 } connection ? connection : null;

    /// <summary>How every SdWeb connection to Redis behaves (the tests connect the same way).</summary>
    internal static ConfigurationOptions RedisOptions(string connection)
    {
        var options = ConfigurationOptions.Parse(connection);
        // Start and keep running while Redis is away; while it is, fail at once rather than queue stale progress.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }
}
