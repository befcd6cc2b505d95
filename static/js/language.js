// The footer's language form asks the language page by default. With the CSRF cookie at hand
// it posts the choice to set_language directly, with the cookie's token.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-post-to]")) return;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  if (!cookie) return;
  event.preventDefault();
  const token = document.createElement("input");
  token.type = "hidden";
  token.name = "csrfmiddlewaretoken";
  token.value = decodeURIComponent(cookie.slice("csrftoken=".length));
  form.append(token);
  form.method = "post";
  form.action = form.dataset.postTo;
  form.submit();
});
