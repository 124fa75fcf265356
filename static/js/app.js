/*
 * SkillsFund progressive enhancement. Loaded with `defer`; the CSP forbids inline
 * scripts and inline event handlers, so every behaviour is attached here.
 * No libraries, no build step (ES2017). Every page works without it.
 */
(function () {
  'use strict';

  var SUMMARY = '[data-error-summary]';

  function prefersReducedMotion() {
    return window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  /* Move focus to the error summary inside `root` (or the page), so keyboard and
     screen-reader users land on the list of problems. */
  function focusErrorSummary(root) {
    var scope = root && root.isConnected ? root : document;
    var summary = scope.matches && scope.matches(SUMMARY) ? scope : scope.querySelector(SUMMARY);
    if (!summary) return;
    if (!summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
    summary.focus();
  }

  /* A link in the error summary focuses its field and scrolls the field's label
     (or the group's legend) into view, so the question is visible too. */
  function onErrorSummaryClick(event) {
    var link = event.target.closest && event.target.closest(SUMMARY + ' a[href^="#"]');
    if (!link) return;
    var id;
    try {
      id = decodeURIComponent(link.getAttribute('href').slice(1));
    } catch (e) {
      return;
    }
    var input = id && document.getElementById(id);
    if (!input) return;
    event.preventDefault();
    var fieldset = input.closest('fieldset');
    var legend = fieldset && fieldset.querySelector('legend');
    var label = document.querySelector('label[for="' + CSS.escape(id) + '"]');
    var anchor = legend || label || input;
    anchor.scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'start' });
    input.focus({ preventScroll: true });
  }

  /* data-confirm on a submit button or a form: ask before submitting.
     Listeners run in the capture phase on the document, so a "no" also stops
     htmx (which listens on the element itself) from sending the request. */
  function cancel(event) {
    event.preventDefault();
    event.stopPropagation();
  }

  function onClickConfirm(event) {
    var button = event.target.closest && event.target.closest('button[data-confirm], input[type="submit"][data-confirm]');
    if (!button || button.disabled) return;
    if (!window.confirm(button.getAttribute('data-confirm'))) cancel(event);
  }

  function onSubmitConfirm(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
    var submitter = event.submitter;
    // The button has already asked its own question.
    if (submitter && submitter.hasAttribute('data-confirm')) return;
    if (!window.confirm(form.getAttribute('data-confirm'))) cancel(event);
  }

  /* After htmx swaps content in, focus any error summary it brought. */
  function onHtmxAfterSwap(event) {
    var target = event.detail && event.detail.target;
    focusErrorSummary(target || event.target);
  }

  function init() {
    focusErrorSummary(document);
    document.addEventListener('click', onErrorSummaryClick);
    document.addEventListener('click', onClickConfirm, true);
    document.addEventListener('submit', onSubmitConfirm, true);
    if (window.htmx) {
      document.addEventListener('htmx:afterSwap', onHtmxAfterSwap);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
