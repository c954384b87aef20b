// A "Print" button: <button type="button" data-print>Print</button>.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
