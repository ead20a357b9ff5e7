using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PrivacyNode.Node.Endpoints;

/// <summary>What every listener of the node starts from: a slim ASP.NET Core application without configuration sources of its own.</summary>
public static class EndpointApp
{
    /// <summary>
    /// A builder rooted at the data directory <paramref name="contentRoot"/> that logs to <paramref name="loggerFactory"/>, stops within
    /// 10 s and prints no status messages.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string contentRoot, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, ApplicationName = "privacynode-node" });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        return builder;
    }
}
