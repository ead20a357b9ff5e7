using System.Net;
using System.Text.RegularExpressions;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests.WebConsole;

/// <summary>A browser without script for the console's server-side tests: cookies, redirects not followed, forms posted with the page's token.</summary>
internal sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleClient(Uri address)
    {
        Address = address;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = address };
        _http.DefaultRequestHeaders.Add("Origin", address.GetLeftPart(UriPartial.Authority));
    }

    public Uri Address { get; }

    public CookieContainer Cookies { get; } = new();

    /// <summary>The session form token of the last page read.</summary>
    public string? FormToken { get; private set; }

    /// <summary>The console of a node started by <see cref="CliNodes"/>.</summary>
    public static Uri AddressOf(CliNodes.Handle node) =>
        new(NodeRuntimeInfo.TryRead(node.DataDirectory)?.Console ?? throw new InvalidOperationException("The node publishes no console address."));

    /// <summary>Signs in with <paramref name="token"/>; returns the response to the sign-in form.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string token)
    {
        var form = await GetAsync("/signin");
        return await _http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["_form"] = TokenIn(form.Html)!, ["token"] = token }));
    }

    public async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        FormToken = TokenIn(html) ?? FormToken;
        return (response.StatusCode, html, response);
    }

    /// <summary>Posts <paramref name="fields"/>, adding the session's form token unless <paramref name="withToken"/> is false.</summary>
    public async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> PostAsync(string path, Dictionary<string, string> fields, bool withToken = true)
    {
        if (withToken)
        {
            fields["_form"] = FormToken ?? throw new InvalidOperationException("Read a page first.");
        }

        var response = await _http.PostAsync(path, new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public void Dispose() => _http.Dispose();

    private static string? TokenIn(string html) => FormTokenPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("name=\"_form\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenPattern();
}
