using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.WebConsole;

/// <summary>The paired peers and the registered datasets, for admins (read only: pairing and registration stay on the command line).</summary>
public static class CatalogPages
{
    public static void Map(ConsoleRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Page("/peers", [Role.Admin], PeersAsync);
        routes.Page("/datasets", [Role.Admin], DatasetsAsync);
    }

    private static async Task<IResult> PeersAsync(ConsoleRequest request)
    {
        var peers = await request.Services.Peers.ListAsync(request.Aborted);
        var keys = (await request.Services.PeerKeys.ListAsync(request.Aborted)).ToDictionary(k => k.Peer, k => k.Key, StringComparer.Ordinal);
        var rows = Html.Join(peers, p => Html.Of($"""
            <tr><td><strong>{p.Name}</strong></td><td>{p.Address}</td><td class="hex">{Convert.ToHexStringLower(p.Fingerprint)}</td>
            <td class="hex">{(keys.TryGetValue(p.Name, out var key) ? Convert.ToHexStringLower(key) : "—")}</td>
            <td class="time">{request.Time(p.AddedAt)}</td><td>{p.AddedBy}</td><td class="time">{(p.RotatedAt is { } rotated ? request.Time(rotated) : "—")}</td></tr>
            """));
        var body = peers.Count == 0
            ? Html.Of($"<p class=\"empty\">{request.T("peers.none")}</p>")
            : Html.Of($"""
                <table><thead><tr><th>{request.T("peers.name")}</th><th>{request.T("peers.address")}</th><th>{request.T("peers.fingerprint")}</th><th>{request.T("peers.audit-key")}</th>
                <th>{request.T("peers.added")}</th><th>{request.T("peers.added-by")}</th><th>{request.T("peers.rotated")}</th></tr></thead><tbody>{rows}</tbody></table>
                """);
        return Layout.Page(request, request.T("nav.peers"), body);
    }

    private static async Task<IResult> DatasetsAsync(ConsoleRequest request)
    {
        var datasets = await request.Services.Datasets.ListAsync(request.Aborted);
        var rows = Html.Join(datasets.Select(e => e.Dataset), d => Html.Of($"""
            <tr><td><strong>{d.Name}</strong><br><span class="muted">{d.Description}</span></td><td>{d.SourceKind}</td><td class="num">{d.RowCount}</td>
            <td>{string.Join(", ", d.KeyColumns.Select(k => k.Column))}</td><td>{string.Join(", ", d.Columns.Select(c => c.Name))}</td>
            <td>{d.Grade}</td><td>{request.T("sharing." + d.Sharing.ToString().ToLowerInvariant())}</td><td>{d.OwnerUnit} · {d.ResponsiblePerson}</td>
            <td class="time">{request.Time(d.RegisteredAt)}</td></tr>
            """));
        var body = datasets.Count == 0
            ? Html.Of($"<p class=\"empty\">{request.T("datasets.none")}</p>")
            : Html.Of($"""
                <table><thead><tr><th>{request.T("field.dataset")}</th><th>{request.T("datasets.source")}</th><th>{request.T("datasets.rows")}</th><th>{request.T("datasets.keys")}</th>
                <th>{request.T("datasets.columns")}</th><th>{request.T("datasets.grade")}</th><th>{request.T("datasets.sharing")}</th><th>{request.T("datasets.owner")}</th>
                <th>{request.T("datasets.registered")}</th></tr></thead><tbody>{rows}</tbody></table>
                """);
        return Layout.Page(request, request.T("nav.datasets"), body);
    }
}
