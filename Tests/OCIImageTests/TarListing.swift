import Foundation

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
        print(json.dumps({'members': members, 'gzip': header, 'fileSHA256': hashlib.sha256(data).hexdigest(),
            'tarSHA256': hashlib.sha256(raw).hexdigest(), 'tarSize': len(raw), 'magics': magics}))
        """
}
