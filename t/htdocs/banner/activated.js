window.activatedSrc = (window.activatedSrc || 0) + 1;
