// Small helps for data entry; every page works without this file.
(function () {
  // VIN and plate inputs: upper case, no spaces, as the rules normalise them.
  document.querySelectorAll('input[data-normalize="upper"]').forEach(function (input) {
    input.addEventListener('input', function () {
      var start = input.selectionStart;
      var value = input.value.toUpperCase().replace(/[\s·-]/g, '');
      if (value !== input.value) { input.value = value; try { input.setSelectionRange(start, start); } catch (e) {} }
    });
  });
  // Part numbers and operation codes: upper case and no spaces, but their hyphens stay (12251-RNA-A01).
  document.querySelectorAll('input[data-normalize="code"]').forEach(function (input) {
    input.addEventListener('input', function () {
      var start = input.selectionStart;
      var value = input.value.toUpperCase().replace(/\s/g, '');
      if (value !== input.value) { input.value = value; try { input.setSelectionRange(start, start); } catch (e) {} }
    });
  });
  // Enter moves to the next field in forms (the last field submits).
  document.querySelectorAll('form.form').forEach(function (form) {
    form.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter' || event.target.tagName === 'TEXTAREA' || event.target.type === 'submit') return;
      var fields = Array.prototype.filter.call(form.querySelectorAll('input:not([type=hidden]), select, textarea'), function (el) { return !el.disabled && el.offsetParent !== null; });
      var index = fields.indexOf(event.target);
      if (index >= 0 && index < fields.length - 1) { event.preventDefault(); fields[index + 1].focus(); }
    });
  });
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) { if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault(); });
  });
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
  // A form that came back with errors: put the cursor in the first field to fix.
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) { invalid.focus(); invalid.scrollIntoView({ block: 'center' }); }
  var toggle = document.querySelector('.menu-toggle');
  if (toggle) toggle.addEventListener('click', function () {
    var nav = document.getElementById('sidenav');
    var open = nav.classList.toggle('open');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
})();
