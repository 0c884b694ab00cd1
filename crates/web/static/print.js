// Opened with ?print=1 the form goes straight to the printer dialog.
if (new URLSearchParams(location.search).get('print') === '1') { window.addEventListener('load', function () { window.print(); }); }
