# The netboot image (docs/netboot.md): included by Makefile.am.
#   make image [IMAGE_SCHEDD=HOST:PORT] [IMAGE_FINGERPRINT=FP]
#       [IMAGE_APPEND='more kernel words'] [IMAGE_VERSION=V]
#       [IMAGE_OUT=DIR] [IMAGE_CACHE=DIR] [IMAGE_KERNEL=linux-image-...]
#   make image-promote VERSION=V    the desktops boot V from now on
#   make image-rollback             back to the version before
#   make image-list                 the versions built, * current
IMAGE_OUT = $(abs_builddir)/image/out
IMAGE_CACHE =
IMAGE_KERNEL =
IMAGE_VERSION =
IMAGE_SCHEDD =
IMAGE_FINGERPRINT =
IMAGE_APPEND =

image: cq-startd$(EXEEXT) cq-jobinit$(EXEEXT)
	sh $(abs_srcdir)/image/build.sh -b $(abs_builddir) -o '$(IMAGE_OUT)' \
	    -v '$(IMAGE_VERSION)' -c '$(IMAGE_CACHE)' -k '$(IMAGE_KERNEL)' \
	    -s '$(IMAGE_SCHEDD)' -f '$(IMAGE_FINGERPRINT)' -a '$(IMAGE_APPEND)'

image-promote:
	@if [ '$(VERSION)' = '$(PACKAGE_VERSION)' ]; then \
	    echo "image: name the version: make image-promote VERSION=... (make image-list)" >&2; \
	    exit 1; fi
	sh $(abs_srcdir)/image/promote.sh -o '$(IMAGE_OUT)' promote '$(VERSION)'

image-rollback:
	sh $(abs_srcdir)/image/promote.sh -o '$(IMAGE_OUT)' rollback

image-list:
	sh $(abs_srcdir)/image/promote.sh -o '$(IMAGE_OUT)' list

.PHONY: image image-promote image-rollback image-list
EXTRA_DIST += image

# An in-tree build's images are not sources.
dist-hook: image-dist-hook
image-dist-hook:
	rm -rf $(distdir)/image/out
.PHONY: image-dist-hook
