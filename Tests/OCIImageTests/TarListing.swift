import Foundation
import ExternalToolSupport

/// What Python's `tarfile` and `gzip` see in a layer blob or an image.tar: every member with its
/// pax records, the gzip header fields, and digests of both forms.
struct TarListing: Decodable {
    struct Member: Decodable, Equatable {
        let name: String
        let type: String
        let mode: Int
        let uid, gid: Int
        let uname, gname: String
        let mtime: Int
        let size: Int
        let linkname: String
        let pax: [String: String]
        let devmajor, devminor: Int
    }
    struct GzipHeader: Decodable {
        let flags, mtime, xfl, os: Int
    }
    let members: [Member]
    let gzip: GzipHeader?
    /// `sha256` of the file and of its uncompressed tar; the tar's size.
    let fileSHA256, tarSHA256: String
    let tarSize: Int
    /// Every 512-byte header's magic and version (`ustar\0` + `00` for POSIX ustar).
    let magics: [String]
    /// Every header block as stored, extended headers included (which `tarfile` folds away).
    let headers: [RawHeader]

    struct RawHeader: Decodable {
        let name, type, uname, gname: String
        let uid, gid, mtime, mode: Int
    }

    static func read(_ path: String) throws -> TarListing {
        let output = try ExternalTool.python(script, [path])
        return try JSONDecoder().decode(TarListing.self, from: Data(output.utf8))
    }

    static let script = """
        import gzip, hashlib, io, json, struct, sys, tarfile
        path = sys.argv[1]
        data = open(path, 'rb').read()
        header = None
        raw = data
        if data[:2] == b'\\x1f\\x8b':
            header = {'flags': data[3], 'mtime': struct.unpack('<I', data[4:8])[0], 'xfl': data[8], 'os': data[9]}
            raw = gzip.decompress(data)
        types = {tarfile.REGTYPE: 'file', tarfile.DIRTYPE: 'dir', tarfile.SYMTYPE: 'symlink', tarfile.LNKTYPE: 'hardlink'}
        members = []
        with tarfile.open(fileobj=io.BytesIO(raw), mode='r:') as t:
            for m in t.getmembers():
                members.append({'name': m.name, 'type': types.get(m.type, repr(m.type)), 'mode': m.mode,
                    'uid': m.uid, 'gid': m.gid, 'uname': m.uname, 'gname': m.gname, 'mtime': int(m.mtime),
                    'size': m.size, 'linkname': m.linkname, 'pax': m.pax_headers,
                    'devmajor': m.devmajor, 'devminor': m.devminor})
            offsets = [m.offset for m in t.getmembers()]
        magics = sorted({raw[o + 257:o + 265].hex() for o in offsets})
        def number(field):
            return int(field.strip(b'\\0 ') or b'0', 8)
        def text(field):
            return field.rstrip(b'\\0').decode()
        headers, p = [], 0
        while p + 512 <= len(raw) and raw[p:p + 512] != bytes(512):
            b = raw[p:p + 512]
            name, prefix = text(b[0:100]), text(b[345:500])
            headers.append({'name': prefix + '/' + name if prefix else name, 'type': chr(b[156]) if b[156] else '0',
                'uname': text(b[265:297]), 'gname': text(b[297:329]), 'uid': number(b[108:116]),
                'gid': number(b[116:124]), 'mtime': number(b[136:148]), 'mode': number(b[100:108])})
            p += 512 + (number(b[124:136]) + 511) // 512 * 512
        print(json.dumps({'members': members, 'gzip': header, 'fileSHA256': hashlib.sha256(data).hexdigest(),
            'tarSHA256': hashlib.sha256(raw).hexdigest(), 'tarSize': len(raw), 'magics': magics, 'headers': headers}))
        """
}
