;;; eglot_smoke.el --- headless Emacs + eglot smoke test for socketlens  -*- lexical-binding: t -*-
;; Run by run.sh:  SOCKETLENS_FIXTURE=<copy of the monorepo> emacs --batch -q -l eglot_smoke.el
;; (-q, not -Q: Debian's site-start puts elpa-eglot on the load path.)  Verified with Emacs 28.2 + eglot 1.9.
;; Prints one "PASS ..." / "FAIL ..." line per check; exits 0 only if all pass.

(require 'eglot)
(require 'flymake)

(defvar smoke-fixture (or (getenv "SOCKETLENS_FIXTURE") (error "Set SOCKETLENS_FIXTURE")))
(defvar smoke-command (or (getenv "SOCKETLENS_CMD") "socketlens"))
(defvar smoke-failures 0)

(defun smoke-out (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))
(defun smoke-check (ok what &optional detail)
  (if ok (smoke-out "PASS eglot: %s" what)
    (setq smoke-failures (1+ smoke-failures))
    (smoke-out "FAIL eglot: %s" what))
  (when detail (smoke-out "     %s" detail)))
(defun smoke-wait (seconds pred)
  "Let eglot's process filters run until PRED is non-nil or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)) result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    result))

;; Emacs 28 ships no TypeScript mode and Debian has no elpa typescript-mode: stand in for the
;; typescript-mode package so .ts/.tsx files get the mode name the documented snippet lists.
(unless (fboundp 'typescript-mode)
  (define-derived-mode typescript-mode js-mode "TypeScript"))
(add-to-list 'auto-mode-alist '("\\.tsx?\\'" . typescript-mode))

;; ---- The configuration from docs/editors.md ("Emacs: eglot"), verbatim, except that the test
;; takes the executable from SOCKETLENS_CMD instead of PATH. ----
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `((typescript-mode typescript-ts-mode tsx-ts-mode js-mode js-ts-mode)
                 . (,smoke-command "serve" "--stdio"))))
(setq-default eglot-workspace-configuration
              '(:socketlens (:rules (:unscoped-broadcast "error"))))
;; ---- end of the documented configuration ----

(smoke-out "emacs %s, eglot %s" emacs-version
           (or (ignore-errors (package-get-version)) (bound-and-true-p eglot-version)
               (let ((lib (locate-library "eglot"))) (and lib (file-name-nondirectory (directory-file-name (file-name-directory lib)))))))

;; eglot picks the project with project.el: the repository root (the copy is a git repository).
(let ((default-directory (file-name-as-directory smoke-fixture)))
  (smoke-out "project root: %s" (ignore-errors (project-root (project-current)))))

;; 1. Definition on "lead:new" in emit("lead:new", ...) lands in LeadList.tsx.
(find-file (expand-file-name "apps/api/src/routes/leads.ts" smoke-fixture))
(smoke-check (eq major-mode 'typescript-mode) (format "leads.ts opens in typescript-mode (got %s)" major-mode))
(eglot-ensure)
;; eglot-ensure connects after the current command; batch mode runs no commands, so end one by hand.
(run-hooks 'post-command-hook)
(smoke-wait 30 (lambda () (eglot-current-server)))
(smoke-check (eglot-current-server) "eglot connected to socketlens")

(goto-char (point-min))
(let ((found (search-forward "emit(\"lead:new\"" nil t)))
  (smoke-check found "found emit(\"lead:new\" in leads.ts")
  (when found (backward-char 3)))            ; inside the string

(let ((leads-buffer (current-buffer)) (target nil) (tries 0))
  ;; The first request may arrive while the workspace is still being indexed; retry until it answers.
  (while (and (not target) (< tries 30))
    (setq tries (1+ tries))
    (with-current-buffer leads-buffer
      (let* ((server (eglot-current-server))
             (result (ignore-errors
                       (jsonrpc-request server :textDocument/definition
                                        (eglot--TextDocumentPositionParams)))))
        (when (and result (not (vectorp result))) (setq result (vector result)))
        (if (and result (> (length result) 0))
            (setq target (aref result 0))
          (sleep-for 0.5)))))
  ;; Then the real command, as M-. runs it.
  (with-current-buffer leads-buffer
    (ignore-errors (xref-find-definitions "LSP identifier at point.")))
  (let ((landed (buffer-file-name (window-buffer (selected-window)))))
    (smoke-check (and landed (string-suffix-p "apps/web/src/components/LeadList.tsx" landed))
                 "M-. on \"lead:new\" lands in apps/web/src/components/LeadList.tsx"
                 (format "definition -> %s line %s (raw: %S)"
                         (and landed (file-relative-name landed smoke-fixture))
                         (with-current-buffer (window-buffer (selected-window)) (line-number-at-pos))
                         target))))

;; 2. Diagnostics for admin.ts include an unscoped-broadcast warning (flymake backend of eglot).
(find-file (expand-file-name "apps/api/src/routes/admin.ts" smoke-fixture))
(eglot-ensure)
(run-hooks 'post-command-hook)
(let* ((admin (current-buffer))
       (diags (smoke-wait 30 (lambda ()
                               (with-current-buffer admin
                                 ;; Flymake starts its checks from timers/commands; batch runs neither.
                                 (when flymake-mode (flymake-start nil t))
                                 (seq-filter (lambda (d) (string-match-p "unscoped-broadcast\\|broadcast to every"
                                                                         (flymake-diagnostic-text d)))
                                             (flymake-diagnostics)))))))
  (with-current-buffer admin
    (dolist (d (flymake-diagnostics))
      (smoke-out "     admin.ts:%d %s %s" (line-number-at-pos (flymake-diagnostic-beg d))
                 (flymake-diagnostic-type d) (flymake-diagnostic-text d))))
  (smoke-check diags "unscoped-broadcast diagnostic published for apps/api/src/routes/admin.ts")
  ;; Its default severity is warning: an error shows that eglot-workspace-configuration reached the server.
  (smoke-check (and diags (memq (flymake-diagnostic-type (car diags)) '(eglot-error :error)))
               "eglot-workspace-configuration raised it to an error (workspace/configuration answered)"))

(ignore-errors (eglot-shutdown (eglot-current-server)))
(smoke-out (if (zerop smoke-failures) "eglot: all checks passed" (format "eglot: %d check(s) failed" smoke-failures)))
(kill-emacs (if (zerop smoke-failures) 0 1))
