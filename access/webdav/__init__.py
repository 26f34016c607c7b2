"""The read-only WebDAV protocol (RFC 4918 class 1) of /webdav/: authentication, PROPFIND answers,
byte ranges and streaming from storage. The tree is `access.selectors.webdav`; the view is
`access.views.webdav`."""
