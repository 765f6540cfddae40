"""
microdot_files: responses that send a file
==========================================

``Response.send_file`` (and ``microdot.send_file``) load this module the
first time a handler sends a file.
"""


def send_file(cls, filename, status_code=200, content_type=None,
              stream=None, max_age=None, compressed=False,
              file_extension=''):
    """A ``cls`` (Response) sending the file ``filename +
    file_extension`` (or ``stream``) in pieces, with its Content-Length when
    it can be measured; see ``Response.send_file``."""
    if content_type is None:
        content_type = cls.types_map.get(filename.split('.')[-1],
                                         'application/octet-stream')
    headers = {'Content-Type': content_type}
    if max_age is None:
        max_age = cls.default_send_file_max_age
    if max_age is not None:
        headers['Cache-Control'] = 'max-age=%d' % max_age
    if compressed:
        headers['Content-Encoding'] = compressed \
            if isinstance(compressed, str) else 'gzip'
    path = filename + file_extension
    if stream is None and '\x00' in path:
        # CPython's open() refuses it; MicroPython's stops at the NUL and
        # may open a directory ('files/\x00' is 'files/')
        raise ValueError('embedded null byte')
    f = stream or open(path, 'rb')
    try:
        headers['Content-Length'] = str(f.seek(0, 2))
        f.seek(0)
    except (AttributeError, OSError, ValueError):
        pass  # not seekable: framed by chunked coding or by closing
    return cls(f, status_code, headers)
